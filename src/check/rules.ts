import { CheckRule } from './finding';
import { IDENTITY_RULES } from './identity-rules';
import { POLICY_RULE } from './policy-rules';
import { PROXY_ANNOTATION_RULE } from './proxy-annotations';

/**
 * Every rule family, in report order. Each family lives in its own file and owns a code range:
 * L5D1xx identity and certificates, L5D2xx proxy configuration and annotations, L5D3xx policy.
 */
export const CHECK_RULES: CheckRule[] = [...IDENTITY_RULES, PROXY_ANNOTATION_RULE, POLICY_RULE];
