export * from './control-plane-props';
export * from './heartbeat';
export * from './linkerd-control-plane';
export * from './values';
export type { NetworkValidatorProps } from './network-validator';
