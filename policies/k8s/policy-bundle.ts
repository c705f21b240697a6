import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { buildAdmissionPolicies } from './admission-policies';
import type { PolicyOptions } from './policy-options';

/** Props of PolicyBundle: the options the CI evaluator takes, so the cluster enforces what CI checked. */
export interface PolicyBundleProps extends PolicyOptions {
  /**
   * Labels put on every policy and binding (e.g. the platform's standard `app.kubernetes.io/*` labels).
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Adds every ValidatingAdmissionPolicy and its Deny binding to a chart, so each environment's
 * synthesized output carries the guardrails the cluster enforces.
 */
export class PolicyBundle extends Construct {
  /** Names of the policies added, in order. */
  public readonly policyNames: readonly string[];

  constructor(scope: Construct, id: string, props: PolicyBundleProps = {}) {
    super(scope, id);
    const pairs = buildAdmissionPolicies(props);
    const labels = props.labels === undefined ? {} : { labels: { ...props.labels } };
    for (const { policy, binding, auditBinding } of pairs) {
      for (const model of auditBinding === undefined ? [policy, binding] : [policy, binding, auditBinding]) {
        const { apiVersion, kind, metadata, ...body } = model.toJSON();
        new ApiObject(this, `${kind}-${metadata?.name}`, {
          apiVersion,
          kind,
          metadata: { name: metadata?.name, annotations: metadata?.annotations, ...labels },
          ...body,
        });
      }
    }
    this.policyNames = pairs.map(({ policy }) => policy.metadata?.name ?? '');
  }
}
