import { join } from 'node:path';
import { ENVIRONMENTS, ENVIRONMENT_NAMES } from '../../../../infra/environments';
import { MESH_PROVIDERS } from '../../../../infra/k8s/mesh/mesh-telemetry';
import { INGRESS_GATEWAY_POD_LABELS, NAMESPACES } from '../../../../infra/k8s/platform-names';
import { readManifests } from '../../../../infra/synth/write-charts';
import { ISTIO_ROOT_NAMESPACE } from '../../../helpers/istio-authorization';

const CHARTS_OUT = join(__dirname, '..', '..', '..', '..', 'charts-out');

// Manifests are plain data read back from YAML.
type Manifest = any;

interface Proxy {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The tracing settings Istio gives a proxy, in the order it applies them (later ones override):
 * the root namespace's Telemetry without selector, then its own namespace's, then those whose
 * selector matches it (applicableTelemetries in pilot/pkg/model/telemetry.go at 1.29.2).
 */
function tracingFor(objects: readonly Manifest[], proxy: Proxy): Manifest[] {
  const telemetries = objects.filter((o) => o.kind === 'Telemetry');
  if (telemetries.some((t) => t.spec.targetRefs !== undefined || t.spec.targetRef !== undefined)) throw new Error('targetRefs are not modelled here');
  const namespaceWide = (namespace: string) => telemetries.find((t) => t.metadata.namespace === namespace && Object.keys(t.spec.selector?.matchLabels ?? {}).length === 0);
  const layers = [namespaceWide(ISTIO_ROOT_NAMESPACE), proxy.namespace === ISTIO_ROOT_NAMESPACE ? undefined : namespaceWide(proxy.namespace)];
  const selecting = telemetries.filter((t) => {
    const labels = Object.entries((t.spec.selector?.matchLabels ?? {}) as Record<string, string>);
    return t.metadata.namespace === proxy.namespace && labels.length > 0 && labels.every(([key, value]) => proxy.labels[key] === value);
  });
  return [...layers, ...selecting].filter((t) => t !== undefined).flatMap((t) => t.spec.tracing ?? []);
}

describe.each(ENVIRONMENT_NAMES)('mesh tracing in charts-out/%s', (environment) => {
  const objects = readManifests(join(CHARTS_OUT, environment));
  const gatewayPods = (objects as Manifest[]).find((o) => o.kind === 'Rollout').spec.template.metadata.labels;
  const upstreamNamespaces = [...new Set(ENVIRONMENTS[environment].routes.routes.map((route) => (route.upstream as { namespace?: string } | undefined)?.namespace))].filter((n): n is string => n !== undefined);
  const hops: [string, Proxy][] = [
    ['the ingress gateway', { namespace: NAMESPACES.istio, labels: INGRESS_GATEWAY_POD_LABELS }],
    ['the gateway pods', { namespace: NAMESPACES.gateway, labels: gatewayPods }],
    ...upstreamNamespaces.map((namespace): [string, Proxy] => [`upstream pods in ${namespace}`, { namespace, labels: { app: 'any' } }]),
  ];

  it.each(hops)('regression: %s report spans to Jaeger, so one trace runs ingress -> gateway -> upstream', (_, proxy) => {
    const tracing = tracingFor(objects, proxy);
    const effective = tracing.filter((entry) => entry.providers !== undefined).at(-1);
    expect(effective).toEqual({
      providers: [{ name: MESH_PROVIDERS.tracing }],
      randomSamplingPercentage: ENVIRONMENTS[environment].observability.traceSamplingRatio * 100,
    });
  });
});
