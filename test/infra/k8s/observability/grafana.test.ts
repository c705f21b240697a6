import { parse } from 'yaml';
import { GRAFANA_ADMIN_SECRET, Grafana } from '../../../../infra/k8s/observability/grafana';
import { GATEWAY_DASHBOARD_TITLE, dashboardUid, gatewayDashboard } from '../../../../infra/k8s/observability/dashboards/gateway-dashboard';
import { TRACE_ID_PATTERN, TRACE_LOGS_QUERY } from '../../../../infra/k8s/observability/log-links';
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
      'Logs',
      'Gateway error lines per route (5xx access lines)',
    ]);
  });
});

describe('Grafana', () => {
  const objects = synth((chart) => new Grafana(chart, 'g', { namespace: 'observability', dashboards: { 'uag-gateway-overview.json': { uid: 'uag-gateway-overview' } } }));

  const datasources = () => parse(find(objects, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']).datasources as { uid: string; type: string; url: string; jsonData?: any }[];

  it('provisions the Prometheus, Jaeger and Loki datasources with stable UIDs', () => {
    expect(datasources().map((d) => [d.uid, d.type, d.url])).toEqual([
      ['prometheus', 'prometheus', 'http://prometheus.observability.svc.cluster.local:9090'],
      ['jaeger', 'jaeger', 'http://jaeger.observability.svc.cluster.local:16686'],
      ['loki', 'loki', 'http://loki.logging.svc.cluster.local:3100'],
    ]);
  });

  it('links a Loki line’s trace id to the trace in Jaeger, and a Jaeger span to its trace’s lines, as Grafana reads the provisioning file (regression: logs and traces were not linked)', () => {
    // Grafana's provisioning expands `$NAME` and `${NAME}` from its environment; `$$` is a literal `$`.
    const expand = (text: string) => text.replace(/\$\$|\$\{[^}]*\}|\$\w+/g, (whole) => (whole === '$$' ? '$' : ''));
    const [, jaeger, loki] = datasources();
    const [derived, ...others] = loki?.jsonData.derivedFields ?? [];
    expect(others).toEqual([]);
    expect({ ...derived, url: expand(derived.url) }).toEqual({ name: 'TraceID', matcherRegex: TRACE_ID_PATTERN, datasourceUid: 'jaeger', url: '${__value.raw}', urlDisplayLabel: 'Trace in Jaeger' });
    const toLogs = jaeger?.jsonData.tracesToLogsV2;
    expect({ ...toLogs, query: expand(toLogs.query) }).toEqual({ datasourceUid: 'loki', spanStartTimeShift: '-5m', spanEndTimeShift: '5m', customQuery: true, query: TRACE_LOGS_QUERY });
    expect(TRACE_LOGS_QUERY).toBe('{namespace=~".+"} |= "${__trace.traceId}"');
  });

  it('mounts the dashboards and reads the admin password from a Secret it never writes', () => {
    expect(find(objects, 'ConfigMap', 'grafana-dashboards').data['uag-gateway-overview.json']).toBe('{\n  "uid": "uag-gateway-overview"\n}\n');
    const [container] = find(objects, 'Deployment', 'grafana').spec.template.spec.containers;
    expect(container.env[0]).toEqual({ name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: GRAFANA_ADMIN_SECRET } });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});
