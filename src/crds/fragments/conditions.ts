import { arr, int64, JSONSchemaProps, obj, str } from '../schema';

/**
 * The fields of `metav1.Condition`, without `observedGeneration`. The multicluster Link's own
 * condition type leaves the message unbounded.
 */
export function conditionFields(options: { readonly unboundedMessage?: boolean } = {}): Record<string, JSONSchemaProps> {
  return {
    lastTransitionTime: str({ format: 'date-time' }),
    message: str({ maxLength: options.unboundedMessage ? undefined : 32768 }),
    reason: str({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
    status: str({ enum: ['True', 'False', 'Unknown'] }),
    type: str({
      maxLength: 316,
      pattern: String.raw`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$`,
    }),
  };
}

/**
 * `status.conditions` of Linkerd's own resources. ExternalWorkload also records `lastProbeTime`.
 * Upstream declares `required: [status, type]` on the list rather than on its items, so the API
 * server enforces neither; we publish the same schema.
 */
export function conditions(options: { readonly lastProbeTime?: boolean } = {}): JSONSchemaProps {
  const lastProbeTime = options.lastProbeTime ? str({ format: 'date-time' }) : undefined;
  return arr(obj({ lastProbeTime, ...conditionFields() }), { required: ['status', 'type'] });
}

/** A status holding only conditions. */
export function conditionsStatus(options: { readonly lastProbeTime?: boolean } = {}): JSONSchemaProps {
  return obj({ conditions: conditions(options) });
}

/** Gateway API route-parent conditions: full `metav1.Condition`s, keyed by type. */
export function gatewayConditions(): JSONSchemaProps {
  return arr(
    obj(
      { ...conditionFields(), observedGeneration: int64({ minimum: 0 }) },
      { required: ['lastTransitionTime', 'message', 'reason', 'status', 'type'] },
    ),
    { minItems: 1, maxItems: 8, mapKeys: ['type'] },
  );
}
