export { GatewayExternalTrafficPolicy, GatewayServiceType } from './gateway';
export type { MulticlusterGatewayProps, ResolvedGateway } from './gateway';
export { Link, LinkCredentials } from './link';
export type { LinkGatewayProps, LinkProps } from './link';
export { LinkerdMulticluster } from './linkerd-multicluster';
export type { ClusterLinkOptions, LinkerdMulticlusterProps, MulticlusterLinkOptions, MulticlusterLinkProps } from './linkerd-multicluster';
export type { LocalServiceMirrorProps } from './local-service-mirror';
export type { ServiceMirrorProps } from './service-mirror-settings';
