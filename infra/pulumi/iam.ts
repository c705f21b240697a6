import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';

/** Trust policy letting an AWS service (`eks.amazonaws.com`, `pods.eks.amazonaws.com`...) assume a role. */
export function serviceTrustPolicy(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
  });
}

/** A role assumed by `service` with AWS-managed policies attached; children are named `<name>-<policy>`. */
export function serviceRole(name: string, service: string, managedPolicyArns: readonly string[], opts: pulumi.CustomResourceOptions): aws.iam.Role {
  const role = new aws.iam.Role(name, { assumeRolePolicy: serviceTrustPolicy(service) }, opts);
  for (const policyArn of managedPolicyArns) {
    new aws.iam.RolePolicyAttachment(`${name}-${policyArn.split('/').pop()}`, { role: role.name, policyArn }, opts);
  }
  return role;
}
