import { IConstruct } from 'constructs';
import type { Container, Toleration } from 'kubernetes-types/core/v1';
import { renderResources } from '../proxy/proxy-builder';
import { ContainerResources, LogFormat, ProxySettings, resourceValues } from '../proxy/proxy-spec';
import * as check from '../validate';
import { restrictedSecurityContext } from './context';

/**
 * Settings of a service mirror controller: the local one, which federates this cluster's own
 * Services, or the one of each Link, which mirrors the target cluster's.
 */
export interface ServiceMirrorProps {
  /** @default 1 */
  readonly replicas?: number;
  /** One of error, warn, info, debug, trace. @default 'info' */
  readonly logLevel?: string;
  /** @default LogFormat.PLAIN */
  readonly logFormat?: LogFormat;
  /** Times an update is retried before it is dropped. @default 3 */
  readonly retryLimit?: number;
  /** Serve pprof on the admin port. @default false */
  readonly enablePprof?: boolean;
  /** @default - none */
  readonly resources?: ContainerResources;
  /** @default 2103 */
  readonly uid?: number;
  /** @default 2103 */
  readonly gid?: number;
  /** @default - none */
  readonly nodeSelector?: Record<string, string>;
  /** @default - none */
  readonly tolerations?: Toleration[];
  /** Settings of the controller's own proxy (e.g. its resources), as pod annotations. @default - the mesh's */
  readonly proxy?: ProxySettings;
}

/** ServiceMirrorProps checked, with defaults filled in. Internal. */
export interface ResolvedServiceMirror {
  readonly replicas: number;
  readonly logLevel: string;
  readonly logFormat: string;
  readonly retryLimit: number;
  readonly enablePprof: boolean;
  readonly resources?: Container['resources'];
  readonly securityContext: NonNullable<Container['securityContext']>;
  readonly nodeSelector?: Record<string, string>;
  readonly tolerations?: Toleration[];
  readonly proxy?: ProxySettings;
}

/** Resolves `props` over `defaults` (the extension's defaults for every link), checking each field as `<field>.<name>`. */
export function resolveServiceMirror(scope: IConstruct, field: string, props: ServiceMirrorProps = {}, defaults: ServiceMirrorProps = {}): ResolvedServiceMirror {
  const p = { ...defaults, ...props };
  const at = (name: string) => `${field}.${name}`;
  return {
    replicas: check.positiveInteger(scope, at('replicas'), p.replicas ?? 1),
    logLevel: check.oneOf(scope, at('logLevel'), p.logLevel ?? 'info', ['error', 'warn', 'info', 'debug', 'trace']),
    logFormat: check.oneOf(scope, at('logFormat'), p.logFormat ?? LogFormat.PLAIN, Object.values(LogFormat)),
    retryLimit: check.nonNegativeInteger(scope, at('retryLimit'), p.retryLimit ?? 3),
    enablePprof: p.enablePprof ?? false,
    resources: p.resources ? renderResources(resourceValues(scope, at('resources'), p.resources)) : undefined,
    securityContext: restrictedSecurityContext(
      check.nonNegativeInteger(scope, at('uid'), p.uid ?? 2103), check.nonNegativeInteger(scope, at('gid'), p.gid ?? 2103)),
    nodeSelector: p.nodeSelector ? check.labelMap(scope, at('nodeSelector'), p.nodeSelector) : undefined,
    tolerations: p.tolerations?.map((t) => structuredClone(t)),
    proxy: p.proxy,
  };
}
