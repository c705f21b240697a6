import * as kplus from './cdk8s-plus';

/**
 * Pod Security Standards `restricted`, for every pod synthesized here: namespaces enforce it, and a
 * non-compliant pod would be rejected at admission rather than here.
 *
 * cdk8s-plus already defaults to most of it (cdk8s-plus-28 v2.5.6, src/container.ts
 * ContainerSecurityContext and src/pod.ts PodSecurityContext: runAsNonRoot true,
 * readOnlyRootFilesystem true, allowPrivilegeEscalation false, privileged false); what follows
 * is what it does not set. A test over charts-out/ asserts the full profile, so a newer line that
 * changed those defaults would fail it.
 */

export const RUN_AS_USER = 1000;

/** Applies to the pods and, by inheritance, to containers that state no seccomp profile of their own (injected sidecars). */
export const RUNTIME_DEFAULT_SECCOMP = { type: kplus.SeccompProfileType.RUNTIME_DEFAULT } as const;

export const RESTRICTED_POD_SECURITY: kplus.PodSecurityContextProps = {
  user: RUN_AS_USER,
  group: RUN_AS_USER,
  fsGroup: RUN_AS_USER,
};

export const RESTRICTED_CONTAINER_SECURITY: kplus.ContainerSecurityContextProps = {
  user: RUN_AS_USER,
  capabilities: { drop: [kplus.Capability.ALL] },
  seccompProfile: RUNTIME_DEFAULT_SECCOMP,
};

/**
 * The same profile as a plain pod security context, for pods an operator renders from a custom
 * resource (prometheus-operator's Prometheus and Alertmanager), where no cdk8s-plus workload exists.
 */
export const OPERATOR_POD_SECURITY_CONTEXT: kplus.k8s.PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: RUN_AS_USER,
  runAsGroup: RUN_AS_USER,
  fsGroup: RUN_AS_USER,
  seccompProfile: RUNTIME_DEFAULT_SECCOMP,
};
