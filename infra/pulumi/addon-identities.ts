import * as pulumi from '@pulumi/pulumi';
import { podIdentityRole, type PodIdentityRole, type PolicyDocument } from './iam';

/** One controller's AWS identity: the service account it runs as and the policy its role gets. */
export interface AddonIdentityPlan {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly policy: pulumi.Input<PolicyDocument>;
}

export interface AddonIdentitiesArgs<K extends string> {
  readonly clusterName: pulumi.Input<string>;
  /** Keyed by a short name that becomes the resources' suffix. */
  readonly identities: Readonly<Record<K, AddonIdentityPlan>>;
}

/**
 * The IAM roles the cluster's add-on controllers assume through EKS Pod Identity, one per
 * controller with only its own permissions. Created after the Pod Identity agent (the component's
 * `dependsOn`), so an association is never there without the agent that serves it.
 */
export class AddonIdentities<K extends string> extends pulumi.ComponentResource {
  readonly roles: Readonly<Record<K, PodIdentityRole>>;

  constructor(name: string, args: AddonIdentitiesArgs<K>, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:AddonIdentities', name, {}, opts);
    const roles = {} as Record<K, PodIdentityRole>;
    for (const key of Object.keys(args.identities) as K[]) {
      roles[key] = podIdentityRole(`${name}-${key}`, { clusterName: args.clusterName, ...args.identities[key] }, { parent: this, dependsOn: opts?.dependsOn });
    }
    this.roles = roles;
    this.registerOutputs({});
  }
}
