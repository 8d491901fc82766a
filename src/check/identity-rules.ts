import { CheckRule } from './finding';
import { IDENTITY_CERT_MANAGER_RULE } from './identity-cert-manager';
import { IDENTITY_CERTIFICATE_RULE } from './identity-certificates';
import { IDENTITY_WEBHOOK_RULE } from './identity-webhooks';

/** The identity and certificate rules, codes L5D100–L5D123. */
export const IDENTITY_RULES: CheckRule[] = [IDENTITY_CERTIFICATE_RULE, IDENTITY_CERT_MANAGER_RULE, IDENTITY_WEBHOOK_RULE];
