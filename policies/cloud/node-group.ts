import type * as aws from '@pulumi/aws';
import type { Unwrap } from '@pulumi/pulumi';

export type NodeGroupProps = Unwrap<aws.eks.NodeGroupArgs>;

/** Without a launch template a managed node group gets EKS defaults: IMDSv1 allowed, hop limit 2. */
export function nodeGroupLaunchTemplateViolations(nodeGroup: NodeGroupProps): string[] {
  const template = nodeGroup.launchTemplate;
  return template?.id || template?.name
    ? []
    : ['launchTemplate is unset: give the node group a launch template (IMDSv2, hop limit 1, encrypted volumes) by id or name'];
}
