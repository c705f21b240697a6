import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';

/**
 * Pod Security Standards `restricted`, for every workload synthesized here: namespaces enforce
 * it, and a non-compliant pod would be rejected at admission rather than here.
 */

export const RUN_AS_USER = 1000;

export const RESTRICTED_POD_SECURITY_CONTEXT: IPodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: RUN_AS_USER,
  runAsGroup: RUN_AS_USER,
  fsGroup: RUN_AS_USER,
  seccompProfile: { type: 'RuntimeDefault' },
};

export const RESTRICTED_CONTAINER_SECURITY_CONTEXT: ISecurityContext = {
  runAsNonRoot: true,
  runAsUser: RUN_AS_USER,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
