import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { goDurationText } from '../go-duration';
import { isCidr, LogFormat } from '../proxy/proxy-spec';
import * as check from '../validate';
import type { LinkerdValues } from './values';

/**
 * The `linkerd-network-validator` init container that replaces proxy-init in CNI mode: it
 * checks, before the pod starts, that the CNI plugin redirects outbound traffic to the proxy.
 * Mesh-wide: the injector renders it from `linkerd-config` for every pod.
 */
export interface NetworkValidatorProps {
  /**
   * Address the validator connects to, `ip:port` (`[ip]:port` for IPv6); the CNI plugin's
   * redirect must bring that connection back to `listenAddr`. Any address outside the cluster
   * works: it is never really reached.
   * @default '1.1.1.1:20001' ('[fd00::1]:20001' with IPv6)
   */
  readonly connectAddr?: string;
  /**
   * Address the validator listens on, `ip:port`: the proxy's outbound port, where redirected
   * connections arrive.
   * @default '0.0.0.0:4140' ('[::]:4140' with IPv6)
   */
  readonly listenAddr?: string;
  /** @default 'debug' */
  readonly logLevel?: string;
  /** @default LogFormat.PLAIN */
  readonly logFormat?: LogFormat;
  /** How long it waits for the redirected connection. @default Duration.seconds(10) */
  readonly timeout?: Duration;
}

const SOCKET_V4 = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/;
const SOCKET_V6 = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/;

/** Validates an `ip:port` / `[ipv6]:port` socket address, as Rust's `SocketAddr` parses it. */
function socketAddress(scope: IConstruct, field: string, text: string): string {
  const v4 = SOCKET_V4.exec(text);
  const v6 = SOCKET_V6.exec(text);
  const ip = v4?.[1] ?? v6?.[1];
  const port = Number(v4?.[2] ?? v6?.[2]);
  const ipValid = ip !== undefined && isCidr(`${ip}/${v4 ? 32 : 128}`);
  if (!ipValid || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new LinkerdConfigError(scope, field, `${JSON.stringify(text)} is not an ip:port socket address`,
      'use an IP address and a port, e.g. "1.1.1.1:20001" or "[fd00::1]:20001" (no host names)');
  }
  return text;
}

/** Applies the props to `values.networkValidator`; errors name `networkValidator.<field>`. */
export function applyNetworkValidator(scope: IConstruct, values: LinkerdValues, props: NetworkValidatorProps): void {
  const nv = values.networkValidator;
  const field = (name: string) => `networkValidator.${name}`;
  if (props.connectAddr !== undefined) nv.connectAddr = socketAddress(scope, field('connectAddr'), props.connectAddr);
  if (props.listenAddr !== undefined) nv.listenAddr = socketAddress(scope, field('listenAddr'), props.listenAddr);
  if (props.logLevel !== undefined) {
    nv.logLevel = check.oneOf(scope, field('logLevel'), props.logLevel, ['error', 'warn', 'info', 'debug', 'trace']);
  }
  if (props.logFormat !== undefined) nv.logFormat = check.oneOf(scope, field('logFormat'), props.logFormat, Object.values(LogFormat));
  if (props.timeout !== undefined) {
    if (!(props.timeout.toMilliseconds() > 0)) {
      throw new LinkerdConfigError(scope, field('timeout'), `${props.timeout.toMilliseconds()}ms is not a positive duration`, 'use e.g. Duration.seconds(10)');
    }
    nv.timeout = goDurationText(props.timeout);
  }
}
