import type { AdmissionRule } from '../admission-rule';
import { CONTAINER_RESOURCES_RULE } from './container-resources';
import { HEALTH_PROBES_RULE } from './health-probes';
import { NO_HOST_NAMESPACES_RULE, NO_HOST_PATH_RULE } from './host-isolation';
import { IMAGE_PINNING_RULE } from './image-pinning';
import { loadBalancerNamespaceRule } from './load-balancer-namespace';
import { POD_SECURITY_CONTEXT_RULES } from './pod-security-context';

/** Every single-object rule, in report order. */
export function admissionRules(ingressNamespace: string): AdmissionRule[] {
  return [
    ...POD_SECURITY_CONTEXT_RULES,
    CONTAINER_RESOURCES_RULE,
    HEALTH_PROBES_RULE,
    IMAGE_PINNING_RULE,
    NO_HOST_PATH_RULE,
    NO_HOST_NAMESPACES_RULE,
    loadBalancerNamespaceRule(ingressNamespace),
  ];
}
