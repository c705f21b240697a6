import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { NetworkSpec } from './cloud-environments';

/** Zones the VPC spans: enough for a zone outage to leave a quorum, and what the subnet layout carves. */
export const ZONE_COUNT = 3;

export interface NetworkArgs extends NetworkSpec {
  /** EKS cluster name the subnets are tagged for, so load balancers find them. */
  readonly clusterName: string;
  /** Days flow logs are kept. @default 90 */
  readonly flowLogRetentionDays?: number;
}

export interface SubnetLayout {
  /** One /18 per zone for nodes and pods (the VPC CNI gives every pod a VPC address). */
  readonly private: readonly string[];
  /** One /22 per zone for load balancers and NAT gateways. */
  readonly public: readonly string[];
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Private /18s from the bottom of a /16, public /22s from the last /18. */
export function subnetLayout(vpcCidr: string): SubnetLayout {
  const [address = '', prefix] = vpcCidr.split('/');
  const base = ipv4ToNumber(address);
  if (prefix !== '16' || !/^\d+\.\d+\.0\.0$/.test(address)) {
    throw new Error(`Network: 'cidrBlock' (${vpcCidr}) must be a /16 such as 10.10.0.0/16; the subnet layout carves /18s and /22s from it`);
  }
  const zones = [...Array(ZONE_COUNT).keys()];
  return {
    private: zones.map((zone) => `${numberToIpv4(base + zone * 2 ** 14)}/18`),
    public: zones.map((zone) => `${numberToIpv4(base + ZONE_COUNT * 2 ** 14 + zone * 2 ** 10)}/22`),
  };
}

/** Index of the public subnet whose NAT gateway each zone's private subnet routes through. */
export function natGatewayForZone(strategy: NetworkSpec['natGateways']): number[] {
  return [...Array(ZONE_COUNT).keys()].map((zone) => (strategy === 'per-zone' ? zone : 0));
}

/**
 * VPC over three zones: public subnets (internet gateway, NAT, internet-facing load balancers),
 * private subnets (nodes, internal load balancers, ElastiCache) egressing through NAT, and, when
 * asked, flow logs to CloudWatch.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** The same private subnets, one Output per zone in zone order, for per-zone resources. */
  readonly privateSubnetIdsByZone: pulumi.Output<string>[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('uag:cloud:Network', name, {}, opts);
    const layout = subnetLayout(args.cidrBlock);
    const parent = { parent: this };
    const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: 'shared' };

    const zones = aws.getAvailabilityZonesOutput({ state: 'available', filters: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }] }, parent).names.apply((names) => {
      if (names.length < ZONE_COUNT) throw new Error(`Network: the region offers ${names.length} availability zones; ${ZONE_COUNT} are needed`);
      return names.slice(0, ZONE_COUNT);
    });
    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: args.cidrBlock, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: name } }, parent);
    const internetGateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: name } }, parent);
    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public`,
      { vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: internetGateway.id }], tags: { Name: `${name}-public` } },
      parent,
    );

    // Load balancers pick subnets by role tag: internet-facing ones the public tier, internal ones the private tier.
    const zoneSubnet = (tier: 'public' | 'private', zone: number, cidrBlock: string, routeTableId: pulumi.Input<string>) => {
      const subnetName = `${name}-${tier}-${zone}`;
      const roleTag = tier === 'public' ? 'kubernetes.io/role/elb' : 'kubernetes.io/role/internal-elb';
      const subnet = new aws.ec2.Subnet(
        subnetName,
        { vpcId: vpc.id, cidrBlock, availabilityZone: zones.apply((names) => names[zone] as string), tags: { Name: subnetName, [roleTag]: '1', ...clusterTag } },
        parent,
      );
      new aws.ec2.RouteTableAssociation(subnetName, { subnetId: subnet.id, routeTableId }, parent);
      return subnet;
    };

    const publicSubnets = layout.public.map((cidrBlock, zone) => zoneSubnet('public', zone, cidrBlock, publicRoutes.id));

    const natZones = natGatewayForZone(args.natGateways);
    const natGateways = new Map(
      [...new Set(natZones)].map((zone) => {
        const address = new aws.ec2.Eip(`${name}-nat-${zone}`, { domain: 'vpc', tags: { Name: `${name}-nat-${zone}` } }, parent);
        const gateway = new aws.ec2.NatGateway(
          `${name}-nat-${zone}`,
          { allocationId: address.id, subnetId: (publicSubnets[zone] as aws.ec2.Subnet).id, tags: { Name: `${name}-nat-${zone}` } },
          { parent: this, dependsOn: [internetGateway] },
        );
        return [zone, gateway] as const;
      }),
    );

    const privateSubnets = layout.private.map((cidrBlock, zone) => {
      const routes = new aws.ec2.RouteTable(
        `${name}-private-${zone}`,
        { vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: (natGateways.get(natZones[zone] as number) as aws.ec2.NatGateway).id }], tags: { Name: `${name}-private-${zone}` } },
        parent,
      );
      return zoneSubnet('private', zone, cidrBlock, routes.id);
    });

    if (args.flowLogs) this.createFlowLogs(name, vpc, args.flowLogRetentionDays ?? 90);

    this.vpcId = vpc.id;
    this.publicSubnetIds = pulumi.output(publicSubnets.map((subnet) => subnet.id));
    this.privateSubnetIdsByZone = privateSubnets.map((subnet) => subnet.id);
    this.privateSubnetIds = pulumi.output(this.privateSubnetIdsByZone);
    this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
  }

  private createFlowLogs(name: string, vpc: aws.ec2.Vpc, retentionInDays: number): void {
    const parent = { parent: this };
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, { namePrefix: `/uag/${name}/flow-logs-`, retentionInDays }, parent);
    const role = new aws.iam.Role(
      `${name}-flow-logs`,
      {
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        role: role.id,
        policy: logGroup.arn.apply((arn) =>
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], Resource: [arn, `${arn}:*`] }],
          }),
        ),
      },
      parent,
    );
    new aws.ec2.FlowLog(
      `${name}-flow-logs`,
      { vpcId: vpc.id, trafficType: 'ALL', logDestinationType: 'cloud-watch-logs', logDestination: logGroup.arn, iamRoleArn: role.arn },
      parent,
    );
  }
}
