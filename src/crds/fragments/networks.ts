import { arr, JSONSchemaProps, obj, str } from '../schema';

/** A list of CIDR blocks, each with optional excluded sub-blocks. */
export function networks(): JSONSchemaProps {
  return arr(obj({ cidr: str(), except: arr(str()) }, { required: ['cidr'] }));
}
