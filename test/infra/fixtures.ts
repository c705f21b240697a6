import { Chart, Testing } from 'cdk8s';
import { parseRouteTable } from '../../app/src/config/route-table-loader';
import type { RouteTable } from '../../app/src/contract';
import { ENVIRONMENT_DEFAULTS, ENVIRONMENT_OVERRIDES, defineEnvironment, type RolloutStrategySpec } from '../../infra/environments';
import { synthesizePlatform } from '../../infra/platform';
import { GatewayAutoscaler, type GatewayAutoscalerProps } from '../../infra/k8s/gateway-autoscaler';
import { GatewayRollout } from '../../infra/k8s/gateway-rollout';
import { GatewayServices } from '../../infra/k8s/gateway-services';
import { GatewayWorkload, type GatewayWorkloadProps } from '../../infra/k8s/gateway-workload';
import { IngressRouting } from '../../infra/k8s/mesh/ingress-routing';
import { RolloutAnalysis } from '../../infra/k8s/observability/rollout-analysis';

/** Pod Security `restricted` as every synthesized pod and container must state it. */
export const RESTRICTED_POD_SECURITY_CONTEXT = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'Always', seccompProfile: { type: 'RuntimeDefault' } };
export const RESTRICTED_CONTAINER_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: 1000,
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** A fixed image so outputs do not depend on the current build. */
export const TEST_IMAGE = 'registry.test/uag-gateway:0123456789abcdef';

export const TEST_ROUTES: RouteTable = parseRouteTable(
  {
    routes: [
      { name: 'users', match: { pathPrefix: '/api/users' }, upstream: { service: 'user-service', namespace: 'users', port: 8080 }, timeoutMs: 5_000 },
      { name: 'orders', match: { pathPrefix: '/api/orders' }, upstream: { service: 'order-service', namespace: 'orders', port: 9000 } },
    ],
  },
  'test routes',
);

export interface SynthObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // Tests read deep fields of whichever kind they asserted.
  [field: string]: any;
}

/** Builds constructs into a fresh chart and returns the synthesized objects. */
export function synth(build: (chart: Chart) => void): SynthObject[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart) as SynthObject[];
}

export function find(objects: readonly SynthObject[], kind: string, name?: string): SynthObject {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found === undefined) throw new Error(`no ${kind}${name === undefined ? '' : ` named ${name}`} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

export interface GatewayStackOptions {
  readonly workload?: Partial<GatewayWorkloadProps>;
  /** @default the shared default strategy */
  readonly strategy?: RolloutStrategySpec;
  readonly previewReplicas?: number;
  /** `false` leaves the Rollout without one. @default the defaults */
  readonly autoscaler?: false | Partial<Omit<GatewayAutoscalerProps, 'workload' | 'rollout'>>;
}

export interface GatewayStack {
  readonly workload: GatewayWorkload;
  readonly services: GatewayServices;
  readonly routing: IngressRouting;
  readonly analysis: RolloutAnalysis;
  readonly rollout: GatewayRollout;
  readonly autoscaler?: GatewayAutoscaler;
}

/** The gateway's workload, Services, analysis, routing, Rollout and autoscaler wired as the platform wires them. */
export function gatewayStack(chart: Chart, options: GatewayStackOptions = {}): GatewayStack {
  const workload = new GatewayWorkload(chart, 'gw', { namespace: 'gateway', image: TEST_IMAGE, environment: 'staging', routes: TEST_ROUTES, ...options.workload });
  const strategy = options.strategy ?? ENVIRONMENT_DEFAULTS.rollout.strategy;
  const services = new GatewayServices(chart, 'svc', { workload, preview: strategy.type === 'blueGreen' });
  const analysis = new RolloutAnalysis(chart, 'analysis', {
    namespace: workload.namespace,
    labels: workload.labels,
    selector: 'job="gateway-admin",namespace="gateway"',
    analysis: ENVIRONMENT_DEFAULTS.rollout.analysis,
  });
  const routing = new IngressRouting(chart, 'ingress', {
    workload,
    serviceName: services.httpServiceName,
    tcpServiceName: services.tcpServiceName,
    ingress: { hosts: ['api.test.example.com'], tlsCredentialName: 'test-tls' },
    routes: TEST_ROUTES,
    retries: ENVIRONMENT_DEFAULTS.retries,
    previewHeaderName: 'x-uag-canary',
    previewServiceName: services.previewServiceName,
  });
  const rollout = new GatewayRollout(chart, 'rollout', { workload, strategy, previewReplicas: options.previewReplicas, analysis: analysis.reference, routing, services });
  const autoscaler = options.autoscaler === false ? undefined : new GatewayAutoscaler(chart, 'autoscaler', { workload, rollout, ...options.autoscaler });
  return { workload, services, routing, analysis, rollout, autoscaler };
}

/** Dev with a raw TCP listener for game clients, as an environment would add one. */
export function devWithTcpListener(): SynthObject[] {
  const environment = defineEnvironment({
    ...ENVIRONMENT_OVERRIDES.dev,
    routes: { tcp: { add: [{ name: 'game', port: 7000, upstream: { service: 'game-server', namespace: 'games', port: 7000 } }] } },
  });
  return synthesizePlatform({ environment, image: TEST_IMAGE }).charts.flatMap((chart) => chart.toJson() as SynthObject[]);
}

