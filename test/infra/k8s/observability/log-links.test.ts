import { join } from 'node:path';
import { ENVIRONMENT_NAMES } from '../../../../infra/environments';
import { TRACE_ID_PATTERN, TRACE_LOGS_QUERY, gatewayErrorLinesQuery, provisioningLiteral } from '../../../../infra/k8s/observability/log-links';
import { readManifests } from '../../../../infra/synth/write-charts';
import { configMapDocuments, isDashboard } from '../../../helpers/config-map-documents';
import { flatPanels } from '../../../helpers/grafana-dashboard-types';
import { assertLogQL, interpolateGrafanaVariables } from '../../../helpers/logql-syntax';

const CHARTS_OUT = join(__dirname, '..', '..', '..', '..', 'charts-out');
/** Values Grafana gives the variables of the platform's Loki queries when it sends them. */
const GRAFANA_VALUES = { __auto: '1m', '__trace.traceId': '0af7651916cd43dd8448eb211c80319c' };

// Dashboard JSON is read back as plain data.
type Json = any;

describe.each(ENVIRONMENT_NAMES)('Loki queries in charts-out/%s', (environment) => {
  const documents = configMapDocuments(readManifests(join(CHARTS_OUT, environment)));
  const lokiTargets = documents
    .filter(isDashboard)
    .flatMap((dashboard) => flatPanels((dashboard.content as Json).panels ?? []))
    .flatMap((panel: Json) => ((panel.targets ?? []) as Json[]).filter((target) => (target.datasource ?? panel.datasource)?.type === 'loki').map((target) => ({ title: panel.title, expr: String(target.expr) })));

  it('include the gateway’s error lines per route (regression: no panel showed the gateway’s error lines)', () => {
    expect(lokiTargets).toEqual([{ title: 'Gateway error lines per route (5xx access lines)', expr: gatewayErrorLinesQuery() }]);
  });

  it('can be asked: Grafana may reach Loki’s port past its namespace’s default deny', () => {
    const grafana = (readManifests(join(CHARTS_OUT, environment)) as Json[]).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'grafana-allow');
    const toLogging = (grafana.spec.egress as Json[]).filter((rule) => rule.to.some((peer: Json) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'logging'));
    expect(toLogging.flatMap((rule) => rule.ports)).toEqual([{ port: 3100, protocol: 'TCP' }]);
  });

  it('parse with Grafana’s LogQL grammar once Grafana has filled in their variables, the trace-to-logs query included', () => {
    for (const expr of [...lokiTargets.map((target) => target.expr), TRACE_LOGS_QUERY]) expect(() => assertLogQL(interpolateGrafanaVariables(expr, GRAFANA_VALUES))).not.toThrow();
  });
});

describe('the LogQL check', () => {
  it('fails on a query Loki would refuse, so the check above can fail', () => {
    expect(() => assertLogQL('sum by (route (count_over_time({namespace="gateway"}[5m]))')).toThrow('LogQL syntax error at offset 14');
    expect(() => interpolateGrafanaVariables('{a="b"} |= "$unknown"', GRAFANA_VALUES)).toThrow('no test value for Grafana variable $unknown');
  });
});

describe('provisioningLiteral', () => {
  it('doubles every $, which Grafana’s provisioning reads back as one', () => {
    expect(provisioningLiteral('${__value.raw} and $x')).toBe('$${__value.raw} and $$x');
  });

  it('leaves the derived field’s pattern a valid JavaScript RegExp with one capture group, as Grafana runs it', () => {
    expect(new RegExp(TRACE_ID_PATTERN).exec('{"route":"users","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}')?.slice(1)).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736']);
    expect(new RegExp(TRACE_ID_PATTERN).exec('{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}')?.slice(1)).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736']);
  });
});
