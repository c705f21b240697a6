import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { alsoDependingOn, serviceRole } from './iam';
import { EKS_ADDONS, type EksAddonName } from './versions';

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
  'metrics-server': 'after-nodes',
};

/**
 * Add-on configuration (the add-on's `configurationValues`, JSON). The VPC CNI enforces
 * NetworkPolicies only with `enableNetworkPolicy: "true"` (a string; aws-vpc-cni chart values.yaml,
 * v1.20.4, default "false"): without it every NetworkPolicy the platform ships is ignored.
 */
export const ADDON_CONFIGURATION: Readonly<Partial<Record<EksAddonName, Record<string, unknown>>>> = {
  'vpc-cni': { enableNetworkPolicy: 'true' },
};

export interface ClusterAddonsArgs {
  readonly clusterName: pulumi.Input<string>;
  /** The cluster's Kubernetes minor version; each add-on's build is resolved for it. */
  readonly kubernetesVersion: string;
  readonly phase: 'before-nodes' | 'after-nodes';
}

/** The add-ons installed in `phase`, in a stable order. */
export function addonsFor(phase: ClusterAddonsArgs['phase']): EksAddonName[] {
  return EKS_ADDONS.filter((addon) => ADDON_PHASES[addon] === phase);
}

/**
 * EKS add-ons, each at the default build EKS publishes for the cluster's Kubernetes version
 * (`aws eks describe-addon-versions`, through the provider's getAddonVersion): a Kubernetes upgrade
 * moves every add-on to a build made for it, and no hand-kept table can lag behind. The default
 * build, not the newest, so a deploy does not pick up a build AWS has not made the default yet.
 * The EBS CSI controller gets its AWS permissions through an EKS Pod Identity association.
 */
export class ClusterAddons extends pulumi.ComponentResource {
  readonly addons: aws.eks.Addon[];

  constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:ClusterAddons', name, {}, opts);
    // Resource options are not inherited: children wait for what the component was told to wait for.
    const parent = { parent: this, dependsOn: opts?.dependsOn };
    this.addons = addonsFor(args.phase).map((addonName) => {
      const ebsRole =
        addonName === 'aws-ebs-csi-driver' ? serviceRole(`${name}-ebs-csi`, 'pods.eks.amazonaws.com', ['arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy'], parent) : undefined;
      const configuration = ADDON_CONFIGURATION[addonName];
      const version = aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion: args.kubernetesVersion, mostRecent: false }, { parent: this });
      return new aws.eks.Addon(
        `${name}-${addonName}`,
        {
          clusterName: args.clusterName,
          addonName,
          addonVersion: version.version,
          configurationValues: configuration === undefined ? undefined : JSON.stringify(configuration),
          resolveConflictsOnCreate: 'OVERWRITE',
          resolveConflictsOnUpdate: 'OVERWRITE',
          podIdentityAssociations: ebsRole === undefined ? undefined : [{ serviceAccount: 'ebs-csi-controller-sa', roleArn: ebsRole.role.arn }],
        },
        ebsRole === undefined ? parent : { parent: this, dependsOn: alsoDependingOn(opts?.dependsOn, ebsRole.attachments) },
      );
    });
    this.registerOutputs({});
  }
}
