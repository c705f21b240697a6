import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { RedisSpec } from './cloud-environments';
import { REDIS_ENGINE } from './versions';

export const REDIS_PORT = 6379;

export interface RedisArgs extends RedisSpec {
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets, one per zone. */
  readonly subnetIds: pulumi.Input<string[]>;
  /** Security group of the clients (the EKS cluster security group the nodes carry). */
  readonly clientSecurityGroupId: pulumi.Input<string>;
  /** AUTH token; a Pulumi secret. */
  readonly authToken: pulumi.Output<string>;
  /**
   * Keep the data when the cache goes: ElastiCache takes a final snapshot named
   * `<name>-final` on deletion, and Pulumi refuses to delete the group (`protect`).
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/** `rediss://` URL the gateway reads from UAG_REDIS_URL, with the token URL-encoded as the password. */
export function redisUrl(host: string, authToken: string, port = REDIS_PORT): string {
  return `rediss://:${encodeURIComponent(authToken)}@${host}:${port}`;
}

/** Failover needs a replica; with one node it must be off or ElastiCache rejects the group. */
export function replicationSettings(nodes: number): Pick<aws.elasticache.ReplicationGroupArgs, 'numCacheClusters' | 'automaticFailoverEnabled' | 'multiAzEnabled'> {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 6) throw new Error(`Redis: 'nodes' (${nodes}) must be a whole number from 1 to 6 (primary plus up to five replicas)`);
  return { numCacheClusters: nodes, automaticFailoverEnabled: nodes > 1, multiAzEnabled: nodes > 1 };
}

/**
 * ElastiCache Redis for the gateway's shared rate limits: private subnets only, reachable from the
 * cluster's security group alone, TLS in transit, encrypted at rest, AUTH token from a secret.
 */
export class Redis extends pulumi.ComponentResource {
  /** Secret: it embeds the AUTH token. */
  readonly url: pulumi.Output<string>;
  readonly primaryEndpoint: pulumi.Output<string>;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:Redis', name, {}, opts);
    const replication = replicationSettings(args.nodes);
    const parent = { parent: this };
    const subnetGroup = new aws.elasticache.SubnetGroup(`${name}-subnets`, { description: 'UAG rate-limit store', subnetIds: args.subnetIds }, parent);
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-clients`,
      {
        vpcId: args.vpcId,
        description: 'Redis clients: the EKS cluster only',
        ingress: [{ protocol: 'tcp', fromPort: REDIS_PORT, toPort: REDIS_PORT, securityGroups: [args.clientSecurityGroupId], description: 'gateway pods' }],
      },
      parent,
    );
    const group = new aws.elasticache.ReplicationGroup(
      `${name}-redis`,
      {
        description: 'UAG shared rate limits',
        engine: REDIS_ENGINE.engine,
        engineVersion: REDIS_ENGINE.version,
        nodeType: args.nodeType,
        port: REDIS_PORT,
        ...replication,
        subnetGroupName: subnetGroup.name,
        securityGroupIds: [securityGroup.id],
        transitEncryptionEnabled: true,
        atRestEncryptionEnabled: true,
        authToken: args.authToken,
        snapshotRetentionLimit: 1,
        finalSnapshotIdentifier: args.deletionProtection ? `${name}-final` : undefined,
      },
      { parent: this, protect: args.deletionProtection ?? false },
    );
    this.primaryEndpoint = group.primaryEndpointAddress;
    this.url = pulumi.secret(pulumi.all([group.primaryEndpointAddress, args.authToken]).apply(([host, token]) => redisUrl(host, token)));
    this.registerOutputs({ primaryEndpoint: this.primaryEndpoint, url: this.url });
  }
}
