/** The Linkerd release whose install this library reproduces. */
export const LINKERD_VERSION = 'edge-26.8.3';

/** Chart version the upstream release publishes for LINKERD_VERSION; Linkerd stores it in `linkerd-config`. */
export const LINKERD_CRDS_CHART_VERSION = 'linkerd-crds-1.0.0-edge';

/** Value of `linkerd.io/created-by` on everything this library emits. */
export const CREATED_BY = `linkerd/cdk8s-linkerd ${LINKERD_VERSION}`;
