import { ApiObject } from 'cdk8s';
import { LINKERD_CRDS_CHART_VERSION } from '../version';
import { stringifySortedYaml11 } from '../yaml';
import { ControlPlaneContext } from './context';

/** The `linkerd-config` ConfigMap: the values tree the proxy injector reads at every admission. */
export function renderConfig(ctx: ControlPlaneContext): ApiObject {
  const document = structuredClone(ctx.values);
  return ctx.obj('config', 'v1', 'ConfigMap', ctx.componentMeta('linkerd-config', 'controller'), {
    data: {
      'linkerd-crds-chart-version': LINKERD_CRDS_CHART_VERSION,
      // YAML 1.1, as the injector's Go decoder reads it: strings such as "off" must stay quoted.
      values: stringifySortedYaml11(document),
    },
  });
}
