import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadBalancerControllerPolicy } from '../../../infra/pulumi/load-balancer-controller';
import { LOCAL_INGRESS_PORTS, localIngressInstructions } from '../../../infra/pulumi/local-ingress';

describe('loadBalancerControllerPolicy', () => {
  const statements = loadBalancerControllerPolicy().Statement;
  const actions = (statement: (typeof statements)[number]) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]) as string[];
  const allowed = (action: string) => statements.filter((statement) => statement.Effect === 'Allow' && actions(statement).includes(action));

  it('allows what the controller does for an NLB with IP targets', () => {
    for (const action of [
      'elasticloadbalancing:CreateLoadBalancer',
      'elasticloadbalancing:CreateTargetGroup',
      'elasticloadbalancing:CreateListener',
      'elasticloadbalancing:RegisterTargets',
      'elasticloadbalancing:ModifyTargetGroupAttributes',
      'elasticloadbalancing:ModifyLoadBalancerAttributes',
      'elasticloadbalancing:DeleteLoadBalancer',
      'ec2:CreateSecurityGroup',
      'ec2:AuthorizeSecurityGroupIngress',
    ]) {
      expect({ action, allowed: allowed(action).length > 0 }).toEqual({ action, allowed: true });
    }
  });

  it('lets it delete only load balancers and target groups it tagged for a cluster', () => {
    for (const action of ['elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:DeleteTargetGroup']) {
      for (const statement of allowed(action)) expect(statement.Condition?.Null).toEqual({ 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'false' });
    }
  });
});

describe('the local ingress', () => {
  interface PortMapping {
    containerPort: number;
    hostPort: number;
    listenAddress?: string;
  }
  const kind = parse(readFileSync(join(__dirname, '..', '..', '..', 'infra', 'local', 'kind-cluster.yaml'), 'utf8')) as { nodes: { role: string; extraPortMappings?: PortMapping[] }[] };

  it('is mapped by the kind cluster definition from the node ports the ingress Service pins, on loopback only', () => {
    const mappings = kind.nodes.filter((node) => node.role === 'control-plane').flatMap((node) => node.extraPortMappings ?? []);
    expect(mappings.map(({ containerPort, hostPort, listenAddress }) => ({ containerPort, hostPort, listenAddress }))).toEqual(
      Object.values(LOCAL_INGRESS_PORTS).map(({ nodePort, hostPort }) => ({ containerPort: nodePort, hostPort, listenAddress: '127.0.0.1' })),
    );
  });

  it('prints a curl line that reaches the HTTPS node port through the host mapping, with the served host', () => {
    expect(localIngressInstructions('api.dev.uag.example.com', '--context kind-uag ')).toContain('curl -k --resolve api.dev.uag.example.com:8443:127.0.0.1 https://api.dev.uag.example.com:8443/');
  });
});
