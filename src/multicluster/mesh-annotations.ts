import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';
import { INJECT_ANNOTATION, proxySettingAnnotations } from '../proxy/proxy-settings';
import { ProxySettings } from '../proxy/proxy-spec';

/**
 * The pod-template annotations that mesh an extension pod through the proxy injector: injection
 * on, the settings the extension needs (`fixed`), and the user's own proxy settings, which may
 * add to them but not contradict them.
 */
export function meshAnnotations(scope: IConstruct, field: string, fixed: ProxySettings, user: ProxySettings = {}): Record<string, string> {
  const required = Object.fromEntries(proxySettingAnnotations(scope, field, fixed, 'workload').map((s) => [s.key, s.text]));
  const out: Record<string, string> = { [INJECT_ANNOTATION]: 'enabled' };
  for (const s of proxySettingAnnotations(scope, field, user, 'workload')) {
    if (required[s.key] !== undefined && required[s.key] !== s.text) {
      throw new LinkerdConfigError(scope, `${field}.${s.row.prop}`, `${JSON.stringify(s.text)} contradicts ${JSON.stringify(required[s.key])}, which this component needs`,
        `leave ${field}.${s.row.prop} unset`);
    }
    out[s.key] = s.text;
  }
  return { ...out, ...required };
}
