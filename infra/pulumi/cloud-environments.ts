import { ENVIRONMENT_NAMES, type EnvironmentName } from '../environments/types';
import type { DisruptionBudget } from '../crd-models/karpenter';
import type { LogsSpec } from './log-pipeline';
import { KUBERNETES_VERSION } from './versions';

/** The AWS environments, the platform's own; each is a Pulumi stack of the same name. */
export const CLOUD_ENVIRONMENT_NAMES = ENVIRONMENT_NAMES;
export type CloudEnvironmentName = EnvironmentName;

export interface NetworkSpec {
  /** VPC CIDR; must be a /16, carved into three private /18s and three public /22s. */
  readonly cidrBlock: string;
  /** `single`: one NAT gateway for all zones (cheap, one zone's outage cuts egress); `per-zone`: one each. */
  readonly natGateways: 'single' | 'per-zone';
  /** VPC flow logs to CloudWatch Logs. */
  readonly flowLogs: boolean;
}

export interface NodeGroupSpec {
  readonly capacity: 'spot' | 'on-demand';
  /** Several types for spot, so one reclaimed type does not empty the group. */
  readonly instanceTypes: readonly string[];
  /** One managed node group per zone (the autoscaler then keeps zones balanced and EBS volumes reachable) or one over all zones. */
  readonly onePerZone: boolean;
  /** Sizes per node group. */
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  readonly volumeGiB: number;
}

/**
 * What Karpenter may add on top of the managed node groups (karpenter.ts): the managed groups keep
 * the system pods, Karpenter itself and the steady state; Karpenter launches nodes for pods that
 * do not fit there (an HPA scaling out) and removes them once they are empty or underused.
 */
export interface NodeAutoscalingSpec {
  /** Capacity types Karpenter may launch; with both it picks spot first and falls back to on-demand. */
  readonly capacityTypes: readonly ('spot' | 'on-demand')[];
  /** Most vCPUs and memory (GiB) of all Karpenter nodes together: the cost ceiling of the scale-out. */
  readonly limits: { readonly cpu: number; readonly memoryGiB: number };
  /** How long a node must be empty or underused before consolidation removes or replaces it. */
  readonly consolidateAfter: string;
  /** How many Karpenter nodes may be disrupted at once, and when (NodePool `disruption.budgets`). */
  readonly disruptionBudgets: readonly DisruptionBudget[];
}

export interface RedisSpec {
  readonly nodeType: string;
  /** Cache nodes including the primary; 2 or more gives automatic failover across zones. */
  readonly nodes: number;
}

/**
 * Replicas of the cluster add-ons on the request path (the ingress gateway) and the control paths
 * (istiod configures every proxy, the Argo Rollouts controller drives and aborts canaries). Above
 * one, each gets a PodDisruptionBudget and never shares a node with another replica while a node has
 * fewer (operators.ts), so a node drain or loss takes one replica at most.
 */
export interface ControlPlaneSpec {
  /** istiod's autoscaler minimum (it scales on CPU up to the chart's autoscaleMax, 5). */
  readonly istiodReplicas: number;
  /** The ingress gateway's autoscaler minimum (up to the chart's maxReplicas, 5). */
  readonly ingressGatewayReplicas: number;
  /** Argo Rollouts controllers: one leads, the others stand by (the chart adds --leader-elect above one). */
  readonly argoRolloutsReplicas: number;
  /** cert-manager controllers and webhooks (AWS stacks; a budget above one); the controller leader-elects. */
  readonly certManagerReplicas: number;
  /** External Secrets Operator controllers and webhooks (AWS stacks; a budget above one); the controller leader-elects above one. */
  readonly externalSecretsReplicas: number;
}

/** What differs between the AWS environments; everything else is the same code. */
export interface CloudEnvironment {
  readonly name: CloudEnvironmentName;
  readonly kubernetesVersion: string;
  readonly network: NetworkSpec;
  /** Whether the API server is reachable from the internet (from `uag:publicAccessCidrs` only). */
  readonly publicEndpoint: boolean;
  readonly nodeGroups: NodeGroupSpec;
  /** Karpenter's share of the nodes, above the managed node groups. */
  readonly nodeAutoscaling: NodeAutoscalingSpec;
  /** ElastiCache for shared rate limits; `undefined` runs every gateway replica on its own buckets. */
  readonly redis: RedisSpec | undefined;
  /** Images the ECR lifecycle policy keeps. */
  readonly retainedImages: number;
  /** Refuse to delete the cluster, the cache and the repository, and snapshot the cache when it goes. */
  readonly deletionProtection: boolean;
  /** Add-on replicas; the local stack takes those of the environment it renders. */
  readonly controlPlane: ControlPlaneSpec;
  /** How long Loki keeps pod logs and on how large a volume; the local stack takes the environment's. */
  readonly logs: LogsSpec;
}

export const CLOUD_ENVIRONMENTS: Readonly<Record<CloudEnvironmentName, CloudEnvironment>> = {
  dev: {
    name: 'dev',
    kubernetesVersion: KUBERNETES_VERSION,
    network: { cidrBlock: '10.10.0.0/16', natGateways: 'single', flowLogs: false },
    publicEndpoint: true,
    nodeGroups: { capacity: 'spot', instanceTypes: ['m6i.large', 'm5.large', 'm6a.large'], onePerZone: false, minSize: 2, desiredSize: 3, maxSize: 5, volumeGiB: 40 },
    // Spot allowed: a reclaimed node's pods are drained on the two-minute warning (interruption queue).
    nodeAutoscaling: { capacityTypes: ['spot', 'on-demand'], limits: { cpu: 8, memoryGiB: 32 }, consolidateAfter: '1m', disruptionBudgets: [{ nodes: '50%' }] },
    redis: undefined,
    retainedImages: 20,
    deletionProtection: false,
    // Spot nodes come and go: a disruption budget on a single replica would only block their drains.
    controlPlane: { istiodReplicas: 1, ingressGatewayReplicas: 1, argoRolloutsReplicas: 1, certManagerReplicas: 1, externalSecretsReplicas: 1 },
    // Three days: enough to debug yesterday's deploy; dev's logs are not kept for review.
    logs: { retentionHours: 72, volumeGiB: 10 },
  },
  staging: {
    name: 'staging',
    kubernetesVersion: KUBERNETES_VERSION,
    network: { cidrBlock: '10.20.0.0/16', natGateways: 'single', flowLogs: false },
    publicEndpoint: true,
    nodeGroups: { capacity: 'on-demand', instanceTypes: ['m6i.large'], onePerZone: false, minSize: 3, desiredSize: 3, maxSize: 6, volumeGiB: 50 },
    nodeAutoscaling: { capacityTypes: ['on-demand'], limits: { cpu: 16, memoryGiB: 64 }, consolidateAfter: '5m', disruptionBudgets: [{ nodes: '20%' }] },
    redis: { nodeType: 'cache.t4g.small', nodes: 2 },
    retainedImages: 30,
    deletionProtection: false,
    // Prod's shape at its smallest: node drains and upgrades rehearse against the same budgets.
    controlPlane: { istiodReplicas: 2, ingressGatewayReplicas: 2, argoRolloutsReplicas: 2, certManagerReplicas: 2, externalSecretsReplicas: 2 },
    // A week: a release candidate's whole soak.
    logs: { retentionHours: 168, volumeGiB: 20 },
  },
  prod: {
    name: 'prod',
    kubernetesVersion: KUBERNETES_VERSION,
    network: { cidrBlock: '10.30.0.0/16', natGateways: 'per-zone', flowLogs: true },
    publicEndpoint: false,
    nodeGroups: { capacity: 'on-demand', instanceTypes: ['m6i.xlarge'], onePerZone: true, minSize: 1, desiredSize: 2, maxSize: 6, volumeGiB: 80 },
    nodeAutoscaling: {
      capacityTypes: ['on-demand'],
      limits: { cpu: 48, memoryGiB: 192 },
      consolidateAfter: '10m',
      // One node in ten at a time; on weekdays 08:00-18:00 UTC only empty nodes go, so consolidation
      // and AMI drift replace nodes outside business hours.
      disruptionBudgets: [{ nodes: '10%' }, { nodes: '0', reasons: ['Underutilized', 'Drifted'], schedule: '0 8 * * mon-fri', duration: '10h' }],
    },
    redis: { nodeType: 'cache.m7g.large', nodes: 3 },
    retainedImages: 100,
    deletionProtection: true,
    // One ingress gateway per zone (three node groups), so a zone outage leaves two serving.
    controlPlane: { istiodReplicas: 2, ingressGatewayReplicas: 3, argoRolloutsReplicas: 2, certManagerReplicas: 2, externalSecretsReplicas: 2 },
    // Thirty days: an incident's review and a month's trends.
    logs: { retentionHours: 720, volumeGiB: 50 },
  },
};
