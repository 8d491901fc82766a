import { IConstruct } from 'constructs';
import { LinkerdConfigError } from './errors';

/**
 * Prop checks shared by every construct. Each returns the value unchanged when it is valid and
 * throws a LinkerdConfigError naming the construct and the field when it is not, so they can
 * wrap a prop where it is read: `replicas = check.positiveInteger(this, 'replicas', props.replicas)`.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// registry[:port]/path[:tag][@digest]; lower-case path components as the distribution spec allows.
const IMAGE_NAME = /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const IMAGE_TAG = /^[\w][\w.-]{0,127}$/;
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const QUANTITY = /^[+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const LABEL_KEY = /^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(?:[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

function fail(scope: IConstruct | string, field: string, value: unknown, expected: string, fix: string): never {
  throw new LinkerdConfigError(scope, field, `${JSON.stringify(value)} is not ${expected}`, fix);
}

export function positiveInteger(scope: IConstruct | string, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    fail(scope, field, value, 'a positive integer', 'use a whole number of 1 or more');
  }
  return value;
}

export function nonNegativeInteger(scope: IConstruct | string, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    fail(scope, field, value, 'a non-negative integer', 'use a whole number of 0 or more');
  }
  return value;
}

export function port(scope: IConstruct | string, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    fail(scope, field, value, 'a TCP port', 'use a whole number from 1 to 65535');
  }
  return value;
}

export function dnsLabel(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || !DNS_LABEL.test(value)) {
    fail(scope, field, value, 'a DNS label (RFC 1123)', 'use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit');
  }
  return value;
}

export function dnsSubdomain(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || !DNS_SUBDOMAIN.test(value)) {
    fail(scope, field, value, 'a DNS subdomain (RFC 1123)', 'use dot-separated DNS labels, at most 253 characters, e.g. "cluster.local"');
  }
  return value;
}

export function imageName(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || !IMAGE_NAME.test(value)) {
    fail(scope, field, value, 'an image name without tag', 'use "[registry/]repository", e.g. "cr.l5d.io/linkerd/proxy"; give the tag in the matching version prop');
  }
  return value;
}

export function imageTag(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || !IMAGE_TAG.test(value)) {
    fail(scope, field, value, 'an image tag', 'use up to 128 letters, digits, "_", "." and "-", not starting with "." or "-", e.g. "edge-26.8.3"');
  }
  return value;
}

export function goDuration(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || !GO_DURATION.test(value)) {
    fail(scope, field, value, 'a Go duration', 'use a number with a unit: ns, us, ms, s, m or h, e.g. "100ms", "24h0m0s"');
  }
  return value;
}

export function quantity(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || !QUANTITY.test(value)) {
    fail(scope, field, value, 'a Kubernetes quantity', 'use e.g. "100m" or "0.5" for CPU, "64Mi" or "1Gi" for memory');
  }
  return value;
}

export function labelKey(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || !LABEL_KEY.test(value) || value.length > 316) {
    fail(scope, field, value, 'a label or annotation key', 'use "[prefix/]name" with a DNS-subdomain prefix and a name of at most 63 characters');
  }
  return value;
}

export function labelValue(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || !LABEL_VALUE.test(value)) {
    fail(scope, field, value, 'a label value', 'use at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit');
  }
  return value;
}

/** A map of labels: every key and value checked; returns a copy. */
export function labelMap(scope: IConstruct | string, field: string, map: Record<string, string>): Record<string, string> {
  for (const [k, v] of Object.entries(map)) {
    labelKey(scope, `${field}.${k}`, k);
    labelValue(scope, `${field}.${k}`, v);
  }
  return { ...map };
}

export function oneOf<T extends string>(scope: IConstruct | string, field: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    fail(scope, field, value, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, `use one of ${allowed.join(', ')}`);
  }
  return value;
}

/** Parses a Go duration into milliseconds; the value must already have passed goDuration. */
export function durationMillis(value: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(amount) * units[unit];
  }
  return total;
}
