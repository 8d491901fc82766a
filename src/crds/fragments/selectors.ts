import { arr, exactlyOneOf, freeform, JSONSchemaProps, obj, str } from '../schema';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/**
 * A Kubernetes label selector. With `nonEmpty`, one of `matchLabels` and `matchExpressions`
 * must be given (and not both), as the first Server version demanded.
 */
export function labelSelector(options: { readonly nonEmpty?: boolean } = {}): JSONSchemaProps {
  return obj(
    {
      matchLabels: freeform(),
      matchExpressions: arr(obj(
        { key: str(), operator: str({ enum: OPERATORS }), values: arr(str()) },
        { required: ['key', 'operator'] },
      )),
    },
    { oneOf: options.nonEmpty ? exactlyOneOf('matchExpressions', 'matchLabels') : undefined },
  );
}
