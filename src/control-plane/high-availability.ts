import { LinkerdValues, ResourceValues } from './values';

const controllerResources = (memoryRequest: string): ResourceValues => ({
  cpu: { limit: '', request: '100m' },
  memory: { limit: '250Mi', request: memoryRequest },
});

/**
 * Upstream's HA preset (`values-ha.yaml`): three replicas spread over nodes and zones,
 * disruption budgets, requests and limits on every container, and webhooks that fail closed.
 * Applied before the user's own props, so each of these can still be overridden.
 */
export function applyHighAvailability(values: LinkerdValues): void {
  values.enablePodDisruptionBudget = true;
  values.controller.podDisruptionBudget = { maxUnavailable: 1 };
  values.deploymentStrategy = { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } };
  values.enablePodAntiAffinity = true;
  values.proxy.resources = {
    ...values.proxy.resources,
    cpu: { limit: '', request: '100m' },
    memory: { limit: '250Mi', request: '20Mi' },
  };
  values.controllerReplicas = 3;
  for (const key of ['controllerResources', 'destinationResources', 'heartbeatResources', 'proxyInjectorResources', 'spValidatorResources']) {
    values[key] = controllerResources('50Mi');
  }
  values.identityResources = controllerResources('10Mi');
  values.webhookFailurePolicy = 'Fail';
  values.highAvailability = true;
}
