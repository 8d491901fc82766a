export * from './cni-options';
export type { CniRepairControllerProps } from './repair-controller';
export { LinkerdCni } from './linkerd-cni';
export type { LinkerdCniProps } from './linkerd-cni';
