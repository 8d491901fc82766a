export type { InstalledControlPlaneProps, InstalledIdentityProps } from './installed-control-plane';
export * from './mesh';
export * from './pod-template';
