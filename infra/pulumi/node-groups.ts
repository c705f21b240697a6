import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { NodeGroupSpec } from './cloud-environments';
import { alsoDependingOn, serviceRole } from './iam';

const NODE_POLICIES = [
  'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
  'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
] as const;

/** Root volume of the AL2023 EKS AMI. */
export const ROOT_DEVICE = '/dev/xvda';

export interface NodeGroupsArgs extends NodeGroupSpec {
  readonly clusterName: pulumi.Input<string>;
  readonly kubernetesVersion: string;
  /** Private subnets, one per zone, in zone order. */
  readonly subnetIds: readonly pulumi.Input<string>[];
}

export interface NodeGroupPlan {
  /** Suffix of the node group's resource name. */
  readonly suffix: string;
  readonly subnetIds: readonly pulumi.Input<string>[];
}

/** One node group per zone (`onePerZone`) or one spanning every zone; checks the sizes first. */
export function nodeGroupPlans(args: Pick<NodeGroupsArgs, 'onePerZone' | 'subnetIds' | 'minSize' | 'desiredSize' | 'maxSize' | 'capacity' | 'instanceTypes'>): NodeGroupPlan[] {
  if (!(args.minSize <= args.desiredSize && args.desiredSize <= args.maxSize)) {
    throw new Error(`NodeGroups: sizes must satisfy 'minSize' (${args.minSize}) <= 'desiredSize' (${args.desiredSize}) <= 'maxSize' (${args.maxSize})`);
  }
  if (args.instanceTypes.length === 0) throw new Error(`NodeGroups: 'instanceTypes' is empty; list at least one EC2 instance type`);
  if (args.capacity === 'spot' && args.instanceTypes.length < 2) {
    throw new Error(`NodeGroups: spot capacity with one instance type (${args.instanceTypes.join(', ')}) empties the group when that type is reclaimed; list two or more`);
  }
  if (args.subnetIds.length === 0) throw new Error(`NodeGroups: 'subnetIds' is empty; pass the private subnets`);
  return args.onePerZone ? args.subnetIds.map((subnetId, zone) => ({ suffix: `zone-${zone}`, subnetIds: [subnetId] })) : [{ suffix: 'all-zones', subnetIds: args.subnetIds }];
}

/** IMDSv2 only, and one hop: pods cannot reach the node's credentials; they use Pod Identity. Karpenter's nodes get the same. */
export const NODE_METADATA_OPTIONS = { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 } as const;

/** Instance metadata and root volume every node gets, whatever the group. */
export function launchTemplateArgs(volumeGiB: number): aws.ec2.LaunchTemplateArgs {
  return {
    metadataOptions: { ...NODE_METADATA_OPTIONS },
    blockDeviceMappings: [{ deviceName: ROOT_DEVICE, ebs: { volumeSize: volumeGiB, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' } }],
    updateDefaultVersion: true,
  };
}

/**
 * EKS managed node groups through a launch template (IMDSv2 required, hop limit 1, encrypted gp3
 * root volume), spot or on-demand, one per zone or one across zones.
 */
export class NodeGroups extends pulumi.ComponentResource {
  readonly nodeGroupNames: pulumi.Output<string[]>;
  /** The node groups, for `dependsOn` of what needs nodes to run. */
  readonly nodeGroups: aws.eks.NodeGroup[];

  constructor(name: string, args: NodeGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:NodeGroups', name, {}, opts);
    const plans = nodeGroupPlans(args);
    // Resource options are not inherited: children wait for what the component was told to wait for.
    const parent = { parent: this, dependsOn: opts?.dependsOn };
    const { role, attachments } = serviceRole(`${name}-node`, 'ec2.amazonaws.com', NODE_POLICIES, parent);
    const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-nodes`, launchTemplateArgs(args.volumeGiB), parent);

    this.nodeGroups = plans.map(
      (plan) =>
        new aws.eks.NodeGroup(
          `${name}-${plan.suffix}`,
          {
            clusterName: args.clusterName,
            version: args.kubernetesVersion,
            nodeRoleArn: role.arn,
            subnetIds: [...plan.subnetIds],
            amiType: 'AL2023_x86_64_STANDARD',
            capacityType: args.capacity === 'spot' ? 'SPOT' : 'ON_DEMAND',
            instanceTypes: [...args.instanceTypes],
            scalingConfig: { minSize: args.minSize, desiredSize: args.desiredSize, maxSize: args.maxSize },
            updateConfig: { maxUnavailable: 1 },
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
          },
          // Whoever scales the group (by hand or an autoscaler) owns desiredSize; Pulumi would reset it every run.
          // The policy attachments first: without the CNI policy a node never becomes Ready, and on
          // destroy it must outlive the group while EKS removes the nodes' network interfaces.
          { parent: this, dependsOn: alsoDependingOn(opts?.dependsOn, attachments), ignoreChanges: ['scalingConfig.desiredSize'] },
        ),
    );
    this.nodeGroupNames = pulumi.output(this.nodeGroups.map((group) => group.nodeGroupName));
    this.registerOutputs({ nodeGroupNames: this.nodeGroupNames });
  }
}
