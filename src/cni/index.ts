export * from './cni-options';
export type { CniRepairControllerProps } from './repair-controller';
export { CNI_PLUGIN_VERSION, LinkerdCni } from './linkerd-cni';
export type { LinkerdCniProps } from './linkerd-cni';
