import type { PolicyException } from './exceptions';

/** Options shared by the cluster policies (PolicyBundle) and the CI evaluator, so both enforce the same thing. */
export interface PolicyOptions {
  /**
   * The only namespace whose Services may be of type LoadBalancer.
   * @default 'istio-system' - where Istio's ingress gateway runs (infra/k8s/platform-names.ts)
   */
  readonly ingressNamespace?: string;
  /**
   * Reviewed exceptions (policies/exceptions.yaml). Those not expired are excluded in the cluster
   * through each policy's matchConditions and reported as `excepted` in CI.
   * @default [] - none
   */
  readonly exceptions?: readonly PolicyException[];
  /**
   * Namespaces the bindings leave alone: the control plane's own, whose pods the platform does not write.
   * @default ['kube-system', 'kube-public', 'kube-node-lease']
   */
  readonly unenforcedNamespaces?: readonly string[];
  /**
   * Namespaces where the rules warn and audit (`validationActions: [Warn, Audit]`) instead of
   * denying: a second binding per policy selects them, and the Deny binding leaves them out.
   * @default [] - every enforced namespace denies
   */
  readonly auditedNamespaces?: readonly string[];
  /**
   * The day exceptions are judged against (an exception is valid through its expiry day, UTC).
   * @default - the current date
   */
  readonly asOf?: Date;
}

export const DEFAULT_INGRESS_NAMESPACE = 'istio-system';
export const DEFAULT_UNENFORCED_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

export type ResolvedPolicyOptions = Required<PolicyOptions>;

export function resolvePolicyOptions(options: PolicyOptions = {}): ResolvedPolicyOptions {
  return {
    ingressNamespace: options.ingressNamespace ?? DEFAULT_INGRESS_NAMESPACE,
    exceptions: options.exceptions ?? [],
    unenforcedNamespaces: options.unenforcedNamespaces ?? DEFAULT_UNENFORCED_NAMESPACES,
    auditedNamespaces: options.auditedNamespaces ?? [],
    asOf: options.asOf ?? new Date(),
  };
}
