import { ControlPlaneContext } from './context';

/** One Service of a controller: a single port, selected by component. */
interface ServiceSpec {
  readonly name: string;
  readonly component: string;
  readonly port: number;
  readonly portName: string;
  readonly target: number | string;
  /** `clusterIP: None` instead of `type: ClusterIP`. */
  readonly headless?: boolean;
  readonly annotations?: Record<string, string>;
}

const SERVICES: ServiceSpec[] = [
  { name: 'linkerd-dst', component: 'destination', port: 8086, portName: 'grpc', target: 8086 },
  { name: 'linkerd-dst-headless', component: 'destination', port: 8086, portName: 'grpc', target: 8086, headless: true },
  { name: 'linkerd-sp-validator', component: 'destination', port: 443, portName: 'sp-validator', target: 'sp-validator' },
  { name: 'linkerd-policy', component: 'destination', port: 8090, portName: 'grpc', target: 8090, headless: true },
  { name: 'linkerd-policy-validator', component: 'destination', port: 443, portName: 'policy-https', target: 'policy-https' },
  { name: 'linkerd-identity', component: 'identity', port: 8080, portName: 'grpc', target: 8080 },
  { name: 'linkerd-identity-headless', component: 'identity', port: 8080, portName: 'grpc', target: 8080, headless: true },
  // The injector speaks TLS on 443; opaque so proxies do not try to detect a protocol on it.
  { name: 'linkerd-proxy-injector', component: 'proxy-injector', port: 443, portName: 'proxy-injector', target: 'proxy-injector', annotations: { 'config.linkerd.io/opaque-ports': '443' } },
];

/** The Services of the controllers, in `SERVICES` order. */
export function renderServices(ctx: ControlPlaneContext): void {
  for (const s of SERVICES) {
    const meta = ctx.componentMeta(s.name, s.component);
    ctx.obj(`svc-${s.name}`, 'v1', 'Service', { ...meta, annotations: { ...meta.annotations, ...s.annotations } }, {
      spec: {
        ...(s.headless ? { clusterIP: 'None' } : { type: 'ClusterIP' }),
        selector: { 'linkerd.io/control-plane-component': s.component },
        ports: [{ name: s.portName, port: s.port, targetPort: s.target }],
      },
    });
  }
}
