import { ENVIRONMENT_NAMES, type EnvironmentName } from '../environments/types';
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
}

/** What differs between the AWS environments; everything else is the same code. */
export interface CloudEnvironment {
  readonly name: CloudEnvironmentName;
  readonly kubernetesVersion: string;
  readonly network: NetworkSpec;
  /** Whether the API server is reachable from the internet (from `uag:publicAccessCidrs` only). */
  readonly publicEndpoint: boolean;
  readonly nodeGroups: NodeGroupSpec;
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
    redis: undefined,
    retainedImages: 20,
    deletionProtection: false,
    // Spot nodes come and go: a disruption budget on a single replica would only block their drains.
    controlPlane: { istiodReplicas: 1, ingressGatewayReplicas: 1, argoRolloutsReplicas: 1, certManagerReplicas: 1 },
    // Three days: enough to debug yesterday's deploy; dev's logs are not kept for review.
    logs: { retentionHours: 72, volumeGiB: 10 },
  },
  staging: {
    name: 'staging',
    kubernetesVersion: KUBERNETES_VERSION,
    network: { cidrBlock: '10.20.0.0/16', natGateways: 'single', flowLogs: false },
    publicEndpoint: true,
    nodeGroups: { capacity: 'on-demand', instanceTypes: ['m6i.large'], onePerZone: false, minSize: 3, desiredSize: 3, maxSize: 6, volumeGiB: 50 },
    redis: { nodeType: 'cache.t4g.small', nodes: 2 },
    retainedImages: 30,
    deletionProtection: false,
    // Prod's shape at its smallest: node drains and upgrades rehearse against the same budgets.
    controlPlane: { istiodReplicas: 2, ingressGatewayReplicas: 2, argoRolloutsReplicas: 2, certManagerReplicas: 2 },
    // A week: a release candidate's whole soak.
    logs: { retentionHours: 168, volumeGiB: 20 },
  },
  prod: {
    name: 'prod',
    kubernetesVersion: KUBERNETES_VERSION,
    network: { cidrBlock: '10.30.0.0/16', natGateways: 'per-zone', flowLogs: true },
    publicEndpoint: false,
    nodeGroups: { capacity: 'on-demand', instanceTypes: ['m6i.xlarge'], onePerZone: true, minSize: 1, desiredSize: 2, maxSize: 6, volumeGiB: 80 },
    redis: { nodeType: 'cache.m7g.large', nodes: 3 },
    retainedImages: 100,
    deletionProtection: true,
    // One ingress gateway per zone (three node groups), so a zone outage leaves two serving.
    controlPlane: { istiodReplicas: 2, ingressGatewayReplicas: 3, argoRolloutsReplicas: 2, certManagerReplicas: 2 },
    // Thirty days: an incident's review and a month's trends.
    logs: { retentionHours: 720, volumeGiB: 50 },
  },
};
