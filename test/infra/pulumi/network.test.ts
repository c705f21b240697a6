import { Network, natGatewayForZone, subnetLayout } from '../../../infra/pulumi/network';
import { runMocked } from './pulumi-mocks';

const ROUTE_TABLE = 'aws:ec2/routeTable:RouteTable';

describe('subnetLayout', () => {
  it('carves three private /18s and three public /22s from a /16 without overlap', () => {
    expect(subnetLayout('10.30.0.0/16')).toEqual({
      private: ['10.30.0.0/18', '10.30.64.0/18', '10.30.128.0/18'],
      public: ['10.30.192.0/22', '10.30.196.0/22', '10.30.200.0/22'],
    });
  });

  it('rejects anything but a /16, saying what it needs', () => {
    expect(() => subnetLayout('10.30.0.0/20')).toThrow("Network: 'cidrBlock' (10.30.0.0/20) must be a /16 such as 10.10.0.0/16; the subnet layout carves /18s and /22s from it");
  });
});

describe('natGatewayForZone', () => {
  it('routes every zone through zone 0 with a single NAT and through its own zone per zone', () => {
    expect(natGatewayForZone('single')).toEqual([0, 0, 0]);
    expect(natGatewayForZone('per-zone')).toEqual([0, 1, 2]);
  });
});

describe('Network', () => {
  const build = (natGateways: 'single' | 'per-zone', flowLogs: boolean) =>
    runMocked({ stack: 'test' }, () => new Network('net', { cidrBlock: '10.10.0.0/16', natGateways, flowLogs, clusterName: 'uag-test' }));

  it('with per-zone NAT routes each private subnet through the NAT gateway of its own zone and logs flows', async () => {
    const run = await build('per-zone', true);
    const nats = run.ofType('aws:ec2/natGateway:NatGateway');
    expect(nats.map((nat) => nat.name)).toEqual(['net-nat-0', 'net-nat-1', 'net-nat-2']);
    for (const zone of [0, 1, 2]) {
      const routes = run.named(`net-private-${zone}`, ROUTE_TABLE);
      expect((routes.inputs.routes as { natGatewayId: string }[])[0]?.natGatewayId).toBe(`net-nat-${zone}-id`);
    }
    const flowLog = run.ofType('aws:ec2/flowLog:FlowLog');
    expect(flowLog).toHaveLength(1);
    expect(flowLog[0]?.inputs).toMatchObject({ trafficType: 'ALL', logDestinationType: 'cloud-watch-logs' });
  });

  it('with a single NAT routes all zones through one gateway and logs no flows', async () => {
    const run = await build('single', false);
    expect(run.ofType('aws:ec2/natGateway:NatGateway')).toHaveLength(1);
    expect(run.ofType('aws:ec2/flowLog:FlowLog')).toHaveLength(0);
    for (const zone of [0, 1, 2]) expect((run.named(`net-private-${zone}`, ROUTE_TABLE).inputs.routes as { natGatewayId: string }[])[0]?.natGatewayId).toBe('net-nat-0-id');
  });

  it('spreads subnets over three zones and tags them for public and internal load balancers', async () => {
    const run = await build('single', false);
    const subnets = run.ofType('aws:ec2/subnet:Subnet');
    expect(subnets.map((subnet) => subnet.inputs.availabilityZone)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c', 'eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    const tags = (name: string) => run.named(name).inputs.tags as Record<string, string>;
    expect(tags('net-public-1')).toMatchObject({ 'kubernetes.io/role/elb': '1', 'kubernetes.io/cluster/uag-test': 'shared' });
    expect(tags('net-private-1')).toMatchObject({ 'kubernetes.io/role/internal-elb': '1', 'kubernetes.io/cluster/uag-test': 'shared' });
    expect(run.named('net-private-1').parent).toBe(run.named('net').urn);
  });
});
