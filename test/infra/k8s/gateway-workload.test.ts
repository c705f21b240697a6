import { Testing } from 'cdk8s';
import { ADMIN_PATHS, DEFAULT_ADMIN_PORT, DEFAULT_HTTP_PORT, routeTableChecksum } from '../../../app/src/contract';
import { CONFIG_CHECKSUM_ANNOTATION } from '../../../infra/k8s/config-checksum';
import { GatewayWorkload, ROUTES_CHECKSUM_ANNOTATION, type GatewayWorkloadProps } from '../../../infra/k8s/gateway-workload';
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT, TEST_IMAGE, TEST_ROUTES, find, gatewayStack, synth } from '../fixtures';


const props: GatewayWorkloadProps = { namespace: 'gateway', image: TEST_IMAGE, environment: 'staging', routes: TEST_ROUTES };

/** The workload's pods as they run: in the gateway's Rollout. */
function rolloutOf(overrides: Partial<GatewayWorkloadProps> = {}) {
  return find(
    synth((chart) => gatewayStack(chart, { workload: overrides })),
    'Rollout',
  );
}

function envOf(rollout: ReturnType<typeof rolloutOf>): Record<string, string> {
  return Object.fromEntries(rollout.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
}

describe('GatewayWorkload', () => {
  it('derives the grace period from the shutdown timeout plus the margin', () => {
    expect(rolloutOf().spec.template.spec.terminationGracePeriodSeconds).toBe(40);
    expect(rolloutOf({ drainDelayMs: 10_000, shutdownTimeoutMs: 3_590_000 }).spec.template.spec.terminationGracePeriodSeconds).toBe(3600);
    expect(rolloutOf({ shutdownTimeoutMs: 30_500, terminationMarginSeconds: 2 }).spec.template.spec.terminationGracePeriodSeconds).toBe(33);
  });

  it('probes the admin port on the contract paths', () => {
    const [container] = rolloutOf().spec.template.spec.containers;
    expect(container.ports).toEqual([
      { name: 'http', containerPort: DEFAULT_HTTP_PORT, protocol: 'TCP' },
      { name: 'admin', containerPort: DEFAULT_ADMIN_PORT, protocol: 'TCP' },
    ]);
    expect(container.startupProbe.httpGet).toEqual({ path: ADMIN_PATHS.startup, port: DEFAULT_ADMIN_PORT, scheme: 'HTTP' });
    expect(container.livenessProbe.httpGet).toEqual({ path: ADMIN_PATHS.live, port: DEFAULT_ADMIN_PORT, scheme: 'HTTP' });
    expect(container.readinessProbe.httpGet).toEqual({ path: ADMIN_PATHS.ready, port: DEFAULT_ADMIN_PORT, scheme: 'HTTP' });
  });

  it('mounts the route table where UAG_ROUTES_FILE points and passes the drain settings', () => {
    const objects = synth((chart) => gatewayStack(chart, { workload: { drainDelayMs: 7000, shutdownTimeoutMs: 45_000 } }));
    const [container] = find(objects, 'Rollout').spec.template.spec.containers;
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ UAG_ROUTES_FILE: '/etc/uag/routes.yaml', UAG_DRAIN_DELAY_MS: '7000', UAG_SHUTDOWN_TIMEOUT_MS: '45000', UAG_ENV: 'staging' });
    expect(container.volumeMounts).toContainEqual({ name: 'routes', mountPath: '/etc/uag', readOnly: true });
    expect(find(objects, 'ConfigMap', 'gateway-routes').data['routes.yaml']).toContain('pathPrefix: /api/users');
  });

  it('with routeChanges rollout (the default), rolls the pods when the route table changes, and the pods do not poll the file', () => {
    const before = rolloutOf().spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION];
    const changed = { ...TEST_ROUTES, routes: [{ ...TEST_ROUTES.routes[0]!, timeoutMs: 6_000 }] };
    const after = rolloutOf({ routes: changed }).spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION];
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
    expect(envOf(rolloutOf())).toMatchObject({ UAG_ROUTES_RELOAD_INTERVAL_MS: '0' });
  });

  it('with routeChanges reload, a route table change leaves the pod template as it was and the pods poll the file every 2 s', () => {
    const changed = { ...TEST_ROUTES, routes: [{ ...TEST_ROUTES.routes[0]!, timeoutMs: 6_000 }] };
    const before = rolloutOf({ routeChanges: 'reload' }).spec.template;
    const after = rolloutOf({ routeChanges: 'reload', routes: changed }).spec.template;
    expect(before.metadata.annotations).not.toHaveProperty(CONFIG_CHECKSUM_ANNOTATION);
    expect(after).toEqual(before);
    expect(envOf(rolloutOf({ routeChanges: 'reload' }))).toMatchObject({ UAG_ROUTES_RELOAD_INTERVAL_MS: '2000' });
  });

  it('mounts the ConfigMap as a folder, never through subPath (a subPath copy never sees an update), and labels it with the checksum the gateway reports', () => {
    const objects = synth((chart) => gatewayStack(chart, { workload: { routeChanges: 'reload' } }));
    const spec = find(objects, 'Rollout').spec.template.spec;
    const mounts = spec.containers[0].volumeMounts.filter((mount: { name: string }) => mount.name === 'routes');
    expect(mounts).toEqual([{ name: 'routes', mountPath: '/etc/uag', readOnly: true }]);
    expect(spec.volumes.find((volume: { name: string }) => volume.name === 'routes').configMap.items).toBeUndefined();
    const configMap = find(objects, 'ConfigMap', 'gateway-routes');
    expect(configMap.metadata.annotations?.[ROUTES_CHECKSUM_ANNOTATION]).toBe(routeTableChecksum(configMap.data['routes.yaml']));
  });

  it('selects pods by the app labels without version, and runs them restricted', () => {
    const rollout = rolloutOf();
    expect(rollout.spec.selector.matchLabels).not.toHaveProperty('app.kubernetes.io/version');
    expect(rollout.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('0123456789abcdef');
    expect(rollout.spec.template.spec.containers[0].securityContext).toEqual(RESTRICTED_CONTAINER_SECURITY_CONTEXT);
    expect(rollout.spec.template.spec.securityContext).toEqual(RESTRICTED_POD_SECURITY_CONTEXT);
    expect(rollout.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  it.each([
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
