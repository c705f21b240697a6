import { Testing } from 'cdk8s';
import { ADMIN_PATHS, DEFAULT_ADMIN_PORT, DEFAULT_HTTP_PORT } from '../../../app/src/contract';
import { CONFIG_CHECKSUM_ANNOTATION } from '../../../infra/k8s/config-checksum';
import { GatewayWorkload, type GatewayWorkloadProps } from '../../../infra/k8s/gateway-workload';
import { TEST_IMAGE, TEST_ROUTES, find, synth } from '../fixtures';

const props: GatewayWorkloadProps = { namespace: 'gateway', image: TEST_IMAGE, environment: 'staging', routes: TEST_ROUTES };

function deploymentOf(overrides: Partial<GatewayWorkloadProps> = {}) {
  return find(
    synth((chart) => new GatewayWorkload(chart, 'gw', { ...props, ...overrides })),
    'Deployment',
  );
}

describe('GatewayWorkload', () => {
  it('derives the grace period from the shutdown timeout plus the margin', () => {
    expect(deploymentOf().spec.template.spec.terminationGracePeriodSeconds).toBe(40);
    expect(deploymentOf({ drainDelayMs: 10_000, shutdownTimeoutMs: 3_590_000 }).spec.template.spec.terminationGracePeriodSeconds).toBe(3600);
    expect(deploymentOf({ shutdownTimeoutMs: 30_500, terminationMarginSeconds: 2 }).spec.template.spec.terminationGracePeriodSeconds).toBe(33);
  });

  it('probes the admin port on the contract paths', () => {
    const [container] = deploymentOf().spec.template.spec.containers;
    expect(container.ports).toEqual([
      { name: 'http', containerPort: DEFAULT_HTTP_PORT, protocol: 'TCP' },
      { name: 'admin', containerPort: DEFAULT_ADMIN_PORT, protocol: 'TCP' },
    ]);
    expect(container.startupProbe.httpGet).toEqual({ path: ADMIN_PATHS.startup, port: 'admin' });
    expect(container.livenessProbe.httpGet).toEqual({ path: ADMIN_PATHS.live, port: 'admin' });
    expect(container.readinessProbe.httpGet).toEqual({ path: ADMIN_PATHS.ready, port: 'admin' });
  });

  it('mounts the route table where UAG_ROUTES_FILE points and passes the drain settings', () => {
    const objects = synth((chart) => new GatewayWorkload(chart, 'gw', { ...props, drainDelayMs: 7000, shutdownTimeoutMs: 45_000 }));
    const [container] = find(objects, 'Deployment').spec.template.spec.containers;
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ UAG_ROUTES_FILE: '/etc/uag/routes.yaml', UAG_DRAIN_DELAY_MS: '7000', UAG_SHUTDOWN_TIMEOUT_MS: '45000', UAG_ENV: 'staging' });
    expect(container.volumeMounts).toContainEqual({ name: 'routes', mountPath: '/etc/uag', readOnly: true });
    expect(find(objects, 'ConfigMap', 'gateway-routes').data['routes.yaml']).toContain('pathPrefix: /api/users');
  });

  it('rolls the pods when the route table changes', () => {
    const before = deploymentOf().spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION];
    const changed = { ...TEST_ROUTES, routes: [{ ...TEST_ROUTES.routes[0]!, timeoutMs: 6_000 }] };
    const after = deploymentOf({ routes: changed }).spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION];
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
  });

  it('selects pods by the app labels without version, and runs them restricted', () => {
    const deployment = deploymentOf();
    expect(deployment.spec.selector.matchLabels).not.toHaveProperty('app.kubernetes.io/version');
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('0123456789abcdef');
    expect(deployment.spec.template.spec.containers[0].securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('adds a canary Deployment whose pods the shared selector also matches', () => {
    const objects = synth((chart) => new GatewayWorkload(chart, 'gw', { ...props, canary: { image: 'registry.test/uag-gateway:fedcba9876543210', replicas: 1 } }));
    const [stable, canary] = objects.filter((o) => o.kind === 'Deployment');
    expect([stable!.metadata.name, canary!.metadata.name]).toEqual(['gateway', 'gateway-canary']);
    expect(canary!.spec.replicas).toBe(1);
    expect(canary!.spec.template.spec.containers[0].image).toBe('registry.test/uag-gateway:fedcba9876543210');
    expect(canary!.spec.template.metadata.labels).toMatchObject({ version: 'canary', 'app.kubernetes.io/instance': 'gateway-canary', 'app.kubernetes.io/version': 'fedcba9876543210' });
    expect(stable!.spec.template.metadata.labels).toMatchObject({ version: 'stable', 'app.kubernetes.io/instance': 'gateway' });
    // The two Deployments must not select each other's pods; Services and policies select both.
    expect(stable!.spec.selector.matchLabels['app.kubernetes.io/instance']).toBe('gateway');
    expect(canary!.spec.selector.matchLabels['app.kubernetes.io/instance']).toBe('gateway-canary');
    const workload = new GatewayWorkload(Testing.chart(), 'gw', props);
    for (const deployment of [stable!, canary!]) expect(deployment.spec.template.metadata.labels).toMatchObject(workload.selector);
  });

  it.each([
    [{ canary: { image: 'registry.test/uag-gateway', replicas: 1 } }, `GatewayWorkload: 'canary.image' (registry.test/uag-gateway) must carry an immutable tag or digest, not ':latest' or none`],
    [{ drainDelayMs: 30_000 }, `GatewayWorkload: 'drainDelayMs' (30000) must be below 'shutdownTimeoutMs' (30000); the shutdown timeout counts from SIGTERM`],
    [{ image: 'registry.test/uag-gateway:latest' }, `GatewayWorkload: 'image' (registry.test/uag-gateway:latest) must carry an immutable tag or digest, not ':latest' or none`],
    [{ image: 'registry.test:5000/uag-gateway' }, `GatewayWorkload: 'image' (registry.test:5000/uag-gateway) must carry an immutable tag or digest, not ':latest' or none`],
    [{ traceSamplingRatio: 2 }, `GatewayWorkload: env OTEL_TRACES_SAMPLER_ARG="2" must be a number 0..1`],
  ])('rejects %j', (overrides, message) => {
    expect(() => new GatewayWorkload(Testing.chart(), 'gw', { ...props, ...overrides })).toThrow(message);
  });

  it('matches the snapshot', () => {
    expect(synth((chart) => new GatewayWorkload(chart, 'gw', props))).toMatchSnapshot();
  });
});
