export type { InstalledControlPlaneProps } from './installed-control-plane';
export * from './mesh';
export * from './pod-template';
