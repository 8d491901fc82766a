import { VizContext } from './context';
import { VizComponentName } from './viz-config';

/** A Service of viz: its component, ports (name, port, target) and whether it carries upstream's namespace label. */
interface ServiceSpec {
  readonly component: VizComponentName | 'prometheus';
  readonly namespaceLabel: boolean;
  readonly ports: Array<[name: string, port: number, targetPort: number | string]>;
}

const SERVICES: ServiceSpec[] = [
  { component: 'metrics-api', namespaceLabel: false, ports: [['http', 8085, 8085]] },
  { component: 'prometheus', namespaceLabel: true, ports: [['admin', 9090, 9090]] },
  { component: 'tap-injector', namespaceLabel: false, ports: [['tap-injector', 443, 'tap-injector']] },
  { component: 'tap', namespaceLabel: true, ports: [['grpc', 8088, 8088], ['apiserver', 443, 'apiserver']] },
  { component: 'web', namespaceLabel: true, ports: [['http', 8084, 8084], ['admin', 9994, 9994]] },
];

/** One ClusterIP Service per component, selecting its pods by extension and component. */
export function renderServices(ctx: VizContext): void {
  const c = ctx.config;
  for (const spec of SERVICES) {
    if (spec.component === 'prometheus' && !c.prometheus.bundled) continue;
    const extraAnnotations = spec.component === 'prometheus' ? {} : c.components[spec.component].serviceAnnotations;
    ctx.obj(`service-${spec.component}`, 'v1', 'Service', {
      name: spec.component,
      namespace: c.namespace,
      labels: { ...ctx.labels({ component: spec.component, namespaceLabel: spec.namespaceLabel }), ...(spec.component === 'web' ? c.dashboardServiceLabels : {}) },
      annotations: { ...ctx.createdBy, ...extraAnnotations, 'linkerd.io/inject': 'enabled' },
    }, {
      spec: {
        type: 'ClusterIP',
        selector: ctx.labels({ component: spec.component }),
        ports: spec.ports.map(([name, port, targetPort]) => ({ name, port, targetPort })),
      },
    });
  }
}
