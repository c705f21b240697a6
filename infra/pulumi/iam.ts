import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

/** Trust policy letting an AWS service (`eks.amazonaws.com`, `pods.eks.amazonaws.com`...) assume a role. */
export function serviceTrustPolicy(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
  });
}

export interface ServiceRole {
  readonly role: aws.iam.Role;
  /**
   * The managed-policy attachments. Whatever uses the role must depend on them, not only on the
   * role: otherwise it may be created before its permissions exist, and on destroy the permissions
   * (the CNI policy of the nodes, say) may be detached while AWS still needs them to clean up.
   */
  readonly attachments: readonly aws.iam.RolePolicyAttachment[];
}

/** A role assumed by `service` with AWS-managed policies attached; children are named `<name>-<policy>`. */
export function serviceRole(name: string, service: string, managedPolicyArns: readonly string[], opts: pulumi.CustomResourceOptions): ServiceRole {
  const role = new aws.iam.Role(name, { assumeRolePolicy: serviceTrustPolicy(service) }, opts);
  const attachments = managedPolicyArns.map(
    (policyArn) => new aws.iam.RolePolicyAttachment(`${name}-${policyArn.split('/').pop()}`, { role: role.name, policyArn }, opts),
  );
  return { role, attachments };
}

/**
 * A component's `dependsOn` plus `extra`, for a child that must also wait for its role's policy
 * attachments. Components here are given plain lists of resources; anything else is refused
 * rather than silently dropped.
 */
export function alsoDependingOn(dependsOn: pulumi.ResourceOptions['dependsOn'], extra: readonly pulumi.Resource[]): pulumi.Resource[] {
  const given: unknown[] = dependsOn === undefined ? [] : Array.isArray(dependsOn) ? dependsOn : [dependsOn];
  const resources = given.filter((item): item is pulumi.Resource => pulumi.Resource.isInstance(item));
  if (resources.length !== given.length) throw new Error('alsoDependingOn: dependsOn must be a resource or a list of resources, not an Output or a Promise');
  return [...resources, ...extra];
}


/** An IAM policy document (the subset of the grammar the program writes). */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: pulumi.Input<string> | readonly pulumi.Input<string>[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PodIdentityRoleArgs {
  readonly clusterName: pulumi.Input<string>;
  /** Namespace and name of the Kubernetes service account the controller runs as. */
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The role's own (inline) policy; resources may be Outputs of the stack's own resources. */
  readonly policy: pulumi.Input<PolicyDocument>;
}

export interface PodIdentityRole {
  readonly role: aws.iam.Role;
  /**
   * The inline policy and the association: a controller's release must wait for both, so its
   * first AWS call already has its permissions, and on destroy outlive it, so it can still clean
   * up what it created (a load balancer, DNS records) while it is uninstalled.
   */
  readonly grants: readonly pulumi.Resource[];
}

/**
 * An IAM role that one Kubernetes service account assumes through EKS Pod Identity (the
 * `eks-pod-identity-agent` add-on): no OIDC trust policy per service account and no annotation,
 * the association names the service account instead.
 */
export function podIdentityRole(name: string, args: PodIdentityRoleArgs, opts: pulumi.CustomResourceOptions): PodIdentityRole {
  const role = new aws.iam.Role(name, { assumeRolePolicy: serviceTrustPolicy('pods.eks.amazonaws.com') }, opts);
  const policy = new aws.iam.RolePolicy(name, { role: role.id, policy: pulumi.output(args.policy).apply((document) => JSON.stringify(document)) }, opts);
  const association = new aws.eks.PodIdentityAssociation(
    name,
    { clusterName: args.clusterName, namespace: args.namespace, serviceAccount: args.serviceAccount, roleArn: role.arn },
    opts,
  );
  return { role, grants: [policy, association] };
}
