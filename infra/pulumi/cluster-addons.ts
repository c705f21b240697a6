import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { serviceRole } from './iam';
import { EKS_ADDON_VERSIONS, type EksAddonName } from './versions';

/**
 * DaemonSet add-ons nodes need to become Ready go in before the node groups; add-ons that run
 * Deployments need nodes and would sit degraded (and block `pulumi up`) without them.
 */
export const ADDON_PHASES: Readonly<Record<EksAddonName, 'before-nodes' | 'after-nodes'>> = {
  'vpc-cni': 'before-nodes',
  'kube-proxy': 'before-nodes',
  'eks-pod-identity-agent': 'before-nodes',
  coredns: 'after-nodes',
  'aws-ebs-csi-driver': 'after-nodes',
};

export interface ClusterAddonsArgs {
  readonly clusterName: pulumi.Input<string>;
  readonly phase: 'before-nodes' | 'after-nodes';
}

/** The add-ons installed in `phase`, in a stable order. */
export function addonsFor(phase: ClusterAddonsArgs['phase']): EksAddonName[] {
  return (Object.keys(ADDON_PHASES) as EksAddonName[]).filter((addon) => ADDON_PHASES[addon] === phase);
}

/**
 * EKS add-ons at pinned versions (versions.ts). The EBS CSI controller gets its AWS permissions
 * through an EKS Pod Identity association, not node credentials.
 */
export class ClusterAddons extends pulumi.ComponentResource {
  readonly addons: aws.eks.Addon[];

  constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:ClusterAddons', name, {}, opts);
    // Resource options are not inherited: children wait for what the component was told to wait for.
    const parent = { parent: this, dependsOn: opts?.dependsOn };
    this.addons = addonsFor(args.phase).map((addonName) => {
      const podIdentityAssociations =
        addonName === 'aws-ebs-csi-driver'
          ? [
              {
                serviceAccount: 'ebs-csi-controller-sa',
                roleArn: serviceRole(`${name}-ebs-csi`, 'pods.eks.amazonaws.com', ['arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy'], parent).arn,
              },
            ]
          : undefined;
      return new aws.eks.Addon(
        `${name}-${addonName}`,
        {
          clusterName: args.clusterName,
          addonName,
          addonVersion: EKS_ADDON_VERSIONS[addonName],
          resolveConflictsOnCreate: 'OVERWRITE',
          resolveConflictsOnUpdate: 'OVERWRITE',
          podIdentityAssociations,
        },
        parent,
      );
    });
    this.registerOutputs({});
  }
}
