import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import * as check from '../validate';
import { ControllerTracing } from './control-plane-props';
import { LinkerdValues } from './values';

interface ControllerTracingValues {
  enabled: boolean;
  collector: { endpoint: string };
}

function tracingValues(values: LinkerdValues): ControllerTracingValues {
  return values.controller.tracing as ControllerTracingValues;
}

/** Writes `controller.tracing` into the values tree; the proxies' tracing must be applied first. */
export function applyControllerTracing(scope: IConstruct, values: LinkerdValues, props: ControllerTracing | undefined): void {
  if (props === undefined) return;
  const tracing = tracingValues(values);
  tracing.enabled = props.enabled ?? true;
  if (props.collectorEndpoint !== undefined) {
    tracing.collector.endpoint = check.hostPort(scope, 'controllerTracing.collectorEndpoint', props.collectorEndpoint);
  }
  if (tracing.enabled && controllerCollector(values) === undefined) {
    throw new LinkerdConfigError(scope, 'controllerTracing.collectorEndpoint', 'is not set, and the proxies trace to no collector either',
      'give the collector as "host:port", or set proxy.tracing');
  }
}

/** The collector of the controllers' spans: their own, else the proxies'. Undefined when tracing is off. */
function controllerCollector(values: LinkerdValues): string | undefined {
  const tracing = tracingValues(values);
  if (!tracing.enabled) return undefined;
  const proxyCollector = (values.proxy.tracing as { collector?: { endpoint?: string } } | undefined)?.collector?.endpoint;
  return tracing.collector.endpoint || proxyCollector || undefined;
}

/** The `-trace-collector` flag of the destination and identity controllers, when they trace. */
export function controllerTraceArgs(values: LinkerdValues): string[] {
  const collector = controllerCollector(values);
  return collector ? [`-trace-collector=${collector}`] : [];
}
