import type { CrossObjectRule } from './cross-object-rule';
import { AUTOSCALER_RULE, DISRUPTION_BUDGET_RULE } from './disruption-and-scaling';
import { MESH_JWT_ENFORCED_RULE } from './mesh-authentication';
import { DEFAULT_DENY_RULE, MTLS_OVERRIDE_RULE, STRICT_MTLS_RULE } from './namespace-isolation';
import { SECRET_DATA_RULE } from './secret-data';

/** Every CI-only rule, in report order. */
export const CROSS_OBJECT_RULES: readonly CrossObjectRule[] = [
  DISRUPTION_BUDGET_RULE,
  AUTOSCALER_RULE,
  DEFAULT_DENY_RULE,
  STRICT_MTLS_RULE,
  MTLS_OVERRIDE_RULE,
  MESH_JWT_ENFORCED_RULE,
  SECRET_DATA_RULE,
];
