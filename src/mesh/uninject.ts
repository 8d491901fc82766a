import type { PodSpec } from 'kubernetes-types/core/v1';
import { INJECT_ANNOTATION } from '../proxy/proxy-settings';
import { PodTemplateRef } from './pod-template';

/**
 * Un-injection: what `linkerd inject` does to every input before injecting it
 * (`uninjectAndInject`, pkg/inject/uninject.go at edge-26.8.3), so that an injected workload
 * is re-injected with the current settings rather than skipped.
 *
 * It removes what an injection adds: the proxy, proxy-init, the network validator and the debug
 * container, their volumes, and the labels and annotations the injector writes. Upstream leaves
 * the network validator, the debug container and the trace volume in place, so that injecting
 * them again fails (the validator runs the proxy image, which counts as an existing proxy) or
 * duplicates them; removing them makes re-injecting equal to injecting the bare workload.
 * The pod's `config.linkerd.io/*` annotations stay: they are its configuration.
 */

const INJECTED_CONTAINERS = new Set(['linkerd-init', 'linkerd-network-validator', 'linkerd-proxy', 'linkerd-debug']);

/** Whether un-injection removes a container of this name. */
export function isInjectedContainer(name: string): boolean {
  return INJECTED_CONTAINERS.has(name);
}
const INJECTED_VOLUMES = new Set(['linkerd-identity-end-entity', 'linkerd-identity-token', 'linkerd-podinfo']);
const INJECTED_ANNOTATIONS = new Set(['linkerd.io/created-by', 'linkerd.io/proxy-version', 'linkerd.io/trust-root-sha256']);
const INJECTED_LABELS = new Set(['linkerd.io/control-plane-ns', 'linkerd.io/workload-ns']);
const OWNER_LABEL = /^linkerd\.io\/proxy-[a-z]+$/;

/** Whether the pod carries a Linkerd proxy already. */
export function wasInjected(pod: PodTemplateRef): boolean {
  const spec = pod.spec as PodSpec;
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].some((c) => c.name === 'linkerd-proxy');
}

/**
 * Removes an earlier Linkerd injection from `pod` in place, and tells whether there was one (a
 * `linkerd-proxy` container). `xtablesVolume` is the name of proxy-init's lock volume in this mesh.
 */
export function uninject(pod: PodTemplateRef, xtablesVolume: string): boolean {
  const spec = pod.spec as PodSpec;
  const injected = wasInjected(pod);
  const keep = <T extends { name: string }>(items: T[] | undefined, drop: (name: string) => boolean): T[] | undefined => {
    if (items === undefined) return undefined;
    const kept = items.filter((i) => !drop(i.name));
    return kept.length > 0 || items.length === 0 ? kept : undefined;
  };
  spec.initContainers = keep(spec.initContainers, (n) => INJECTED_CONTAINERS.has(n));
  spec.containers = keep(spec.containers, (n) => INJECTED_CONTAINERS.has(n)) ?? [];
  spec.volumes = keep(spec.volumes, (n) => INJECTED_VOLUMES.has(n) || n === xtablesVolume || n === 'linkerd-proxy-init-xtables-lock');
  if (spec.initContainers === undefined) delete spec.initContainers;
  if (spec.volumes === undefined) delete spec.volumes;

  // Control-plane pods keep their metadata, as upstream's uninject leaves it to them.
  const labels: Record<string, string> = pod.metadata.labels ?? {};
  if (labels['linkerd.io/control-plane-component'] !== undefined) return injected;
  const annotations: Record<string, string> | undefined = pod.metadata.annotations;
  for (const key of Object.keys(annotations ?? {})) {
    // `linkerd.io/inject: enabled` goes (re-injection writes what it needs); `disabled` and `ingress` are the pod's own choice.
    if (INJECTED_ANNOTATIONS.has(key) || (key === INJECT_ANNOTATION && annotations![key] === 'enabled')) delete annotations![key];
  }
  for (const key of Object.keys(labels)) {
    if (INJECTED_LABELS.has(key) || OWNER_LABEL.test(key)) delete labels[key];
  }
  if (pod.metadata.labels && Object.keys(labels).length === 0) delete pod.metadata.labels;
  if (annotations && Object.keys(annotations).length === 0) delete pod.metadata.annotations;
  return injected;
}
