import { ENVIRONMENTS } from '../../../../infra/environments';
import { synthesizePlatform } from '../../../../infra/platform';
import { selectorMatches } from '../../../../policies/k8s/label-selector';
import { TEST_IMAGE, find, type SynthObject } from '../../fixtures';

/** The platform as synthesized for prod: the monitors, and the mesh and network openings they need. */
const objects = synthesizePlatform({ environment: ENVIRONMENTS.prod, image: TEST_IMAGE }).charts.flatMap((chart) => chart.toJson()) as SynthObject[];
const prometheus = find(objects, 'Prometheus', 'prometheus');

describe('PlatformMonitoring', () => {
  it('watches Prometheus, Alertmanager, Jaeger, istiod and every Envoy besides the gateway, each monitor selected by the platform’s Prometheus (regression: only the gateway was scraped)', () => {
    const monitors = objects.filter((o) => o.kind === 'ServiceMonitor' || o.kind === 'PodMonitor');
    const selectedBy = (monitor: SynthObject) => prometheus.spec[monitor.kind === 'ServiceMonitor' ? 'serviceMonitorSelector' : 'podMonitorSelector'];
    expect(monitors.filter((monitor) => !selectorMatches(selectedBy(monitor), monitor.metadata.labels ?? {})).map((m) => m.metadata.name)).toEqual([]);
    expect(monitors.map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`).sort()).toEqual([
      'PodMonitor/observability/istio-proxies',
      'ServiceMonitor/gateway/gateway',
      'ServiceMonitor/observability/alertmanager',
      'ServiceMonitor/observability/istiod',
      'ServiceMonitor/observability/jaeger',
      'ServiceMonitor/observability/prometheus',
    ]);
    expect(prometheus.spec.podMonitorNamespaceSelector).toEqual({});
    expect(find(objects, 'ServiceMonitor', 'istiod').spec).toEqual({
      namespaceSelector: { matchNames: ['istio-system'] },
      selector: { matchLabels: { app: 'istiod' } },
      endpoints: [{ port: 'http-monitoring', scheme: 'http' }],
    });
    expect(find(objects, 'PodMonitor', 'istio-proxies').spec).toEqual({
      selector: { matchExpressions: [{ key: 'service.istio.io/canonical-name', operator: 'Exists' }] },
      namespaceSelector: { any: true },
      podMetricsEndpoints: [{ port: 'http-envoy-prom', path: '/stats/prometheus', scheme: 'http' }],
    });
  });

  it('selects exactly one Service in its namespace with each in-namespace ServiceMonitor, on a port that Service has', () => {
    for (const name of ['prometheus', 'alertmanager', 'jaeger']) {
      const monitor = find(objects, 'ServiceMonitor', name);
      const services = objects.filter((o) => o.kind === 'Service' && o.metadata.namespace === 'observability' && selectorMatches(monitor.spec.selector, o.metadata.labels ?? {}));
      expect({ name, services: services.map((s) => s.metadata.name) }).toEqual({ name, services: [name] });
      expect(services[0]!.spec.ports.map((p: { name: string }) => p.name)).toContain(monitor.spec.endpoints[0].port);
    }
  });

  it('lets only GET /metrics through in plain text on the metrics ports of the STRICT observability namespace', () => {
    for (const [name, port] of [
      ['prometheus', '9090'],
      ['alertmanager', '9093'],
      ['jaeger', '8888'],
    ] as const) {
      expect(find(objects, 'PeerAuthentication', `${name}-metrics-port`).spec).toMatchObject({ mtls: { mode: 'STRICT' }, portLevelMtls: { [port]: { mode: 'PERMISSIVE' } } });
      expect(find(objects, 'AuthorizationPolicy', `${name}-allow-metrics`).spec.rules).toEqual([{ to: [{ operation: { ports: [port], methods: ['GET'], paths: ['/metrics'] } }] }]);
    }
  });

  it('opens the scrapes past the default deny: out of Prometheus to each target (cert-manager’s, Karpenter’s, External Secrets Operator’s, Fluent Bit’s and Loki’s metrics ports included; regression: their series could not be scraped), into every platform namespace’s Envoys and Jaeger’s metrics port', () => {
    const egressPorts = (peer: (rule: any) => boolean) =>
      find(objects, 'NetworkPolicy', 'prometheus-allow')
        .spec.egress.filter(peer)
        .flatMap((rule: { ports: { port: number }[] }) => rule.ports.map((p) => p.port));
    const toNamespace = (namespace: string) => (rule: any) => rule.to[0].namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === namespace;
    expect({
      istiod: egressPorts(toNamespace('istio-system')),
      operatorNamespace: egressPorts(toNamespace('prometheus-operator')),
      argoRollouts: egressPorts(toNamespace('argo-rollouts')),
      certManager: egressPorts(toNamespace('cert-manager')),
      karpenter: egressPorts(toNamespace('karpenter')),
      externalSecrets: egressPorts(toNamespace('external-secrets')),
      logging: egressPorts(toNamespace('logging')),
      anyAddress: egressPorts((rule) => rule.to[0].ipBlock?.cidr === '0.0.0.0/0'),
    }).toEqual({
      istiod: [15012, 15014],
      operatorNamespace: [8080, 10250],
      argoRollouts: [8090],
      certManager: [9402],
      karpenter: [8080],
      externalSecrets: [8080],
      logging: [2020, 3100],
      anyAddress: [9100, 10250, 15090, 443, 6443],
    });
    for (const namespace of ['gateway', 'observability']) {
      const envoy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === namespace && o.metadata.name === 'allow-envoy-metrics');
      expect({ namespace, podSelector: envoy?.spec.podSelector, ingress: envoy?.spec.ingress }).toEqual({
        namespace,
        podSelector: {},
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
            ports: [{ port: 15090, protocol: 'TCP' }],
          },
        ],
      });
    }
    expect(find(objects, 'NetworkPolicy', 'jaeger-allow').spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
      ports: [{ port: 8888, protocol: 'TCP' }],
    });
  });

  it('lets Prometheus read the kubelets’ metrics endpoints', () => {
    expect(find(objects, 'ClusterRole', 'uag-prometheus').rules).toContainEqual({ apiGroups: [''], resourceNames: [], resources: ['nodes/metrics'], verbs: ['get'] });
  });
});
