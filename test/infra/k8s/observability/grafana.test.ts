import { parse } from 'yaml';
import { GRAFANA_ADMIN_SECRET, Grafana } from '../../../../infra/k8s/observability/grafana';
import { GATEWAY_DASHBOARD_TITLE, dashboardUid, gatewayDashboard } from '../../../../infra/k8s/observability/dashboards/gateway-dashboard';
import { find, synth } from '../../fixtures';

describe('gatewayDashboard', () => {
  const dashboard = gatewayDashboard('job="gateway-admin"');

  it('has a UID derived from its title, so it is the same on every synthesis', () => {
    expect(dashboardUid(GATEWAY_DASHBOARD_TITLE)).toBe('uag-gateway-overview');
    expect(dashboard.uid).toBe('uag-gateway-overview');
    expect(gatewayDashboard('job="other"').uid).toBe(dashboard.uid);
  });

  it('shows the golden signals, connections by protocol, circuit state and rate-limit rejections', () => {
    const titles = (dashboard.panels ?? []).map((p) => p.title);
    expect(titles).toEqual([
      'Golden signals per route',
      'Traffic: requests per second',
      'Errors: 5xx ratio',
      'Latency: p50',
      'Latency: p95',
      'Saturation',
      'CPU seconds per second',
      'Resident memory',
      'Connections and resilience',
      'Active connections by protocol',
      'Circuit state (0 closed, 1 half-open, 2 open)',
      'Rate-limit rejections per second',
    ]);
  });
});

describe('Grafana', () => {
  const objects = synth((chart) => new Grafana(chart, 'g', { namespace: 'observability', dashboards: { 'uag-gateway-overview.json': { uid: 'uag-gateway-overview' } } }));

  it('provisions the Prometheus and Jaeger datasources with stable UIDs', () => {
    const { datasources } = parse(find(objects, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']);
    expect(datasources.map((d: { uid: string; url: string }) => [d.uid, d.url])).toEqual([
      ['prometheus', 'http://prometheus.observability.svc.cluster.local:9090'],
      ['jaeger', 'http://jaeger.observability.svc.cluster.local:16686'],
    ]);
  });

  it('mounts the dashboards and reads the admin password from a Secret it never writes', () => {
    expect(find(objects, 'ConfigMap', 'grafana-dashboards').data['uag-gateway-overview.json']).toBe('{\n  "uid": "uag-gateway-overview"\n}\n');
    const [container] = find(objects, 'Deployment', 'grafana').spec.template.spec.containers;
    expect(container.env[0]).toEqual({ name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: GRAFANA_ADMIN_SECRET } });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});
