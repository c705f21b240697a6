import { DashboardBuilder, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder as LokiQueryBuilder } from '@grafana/grafana-foundation-sdk/loki';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TimeSeriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { errorRatioQuery, latencyQuantileQuery } from '../gateway-queries';
import { gatewayErrorLinesQuery } from '../log-links';
import { METRICS } from '../../../../app/src/contract';

/** Datasource UIDs provisioned with Grafana; dashboards refer to them by these. */
export const DATASOURCE_UIDS = { prometheus: 'prometheus', jaeger: 'jaeger', loki: 'loki' } as const;

/** A stable, readable UID derived from the title, so links and bookmarks survive re-synthesis. */
export function dashboardUid(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
}

export const GATEWAY_DASHBOARD_TITLE = 'UAG Gateway Overview';

function panel(title: string, unit: string, expr: string, legend: string): TimeSeriesBuilder {
  return new TimeSeriesBuilder()
    .title(title)
    .unit(unit)
    .span(12)
    .height(8)
    .datasource({ type: 'prometheus', uid: DATASOURCE_UIDS.prometheus })
    .withTarget(new DataqueryBuilder().expr(expr).legendFormat(legend));
}

/**
 * The gateway's golden signals per route (traffic, errors, latency, saturation), connections by
 * protocol, circuit state and rate-limit rejections, and the gateway's 5xx access lines per route from
 * Loki. Every metric query is built from the contract's metric names; `selector` narrows them to the
 * gateway's scrape targets.
 */
export function gatewayDashboard(selector: string): Dashboard {
  const requests = METRICS.requestsTotal.name;
  const perRoute = { selector, by: ['route'], window: '$__rate_interval' };
  return new DashboardBuilder(GATEWAY_DASHBOARD_TITLE)
    .uid(dashboardUid(GATEWAY_DASHBOARD_TITLE))
    .tags(['uag', 'gateway', 'generated'])
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('utc')
    .withRow(new RowBuilder('Golden signals per route'))
    .withPanel(panel('Traffic: requests per second', 'reqps', `sum by (route) (rate(${requests}{${selector}}[$__rate_interval]))`, '{{route}}'))
    .withPanel(panel('Errors: 5xx ratio', 'percentunit', errorRatioQuery(perRoute), '{{route}}'))
    .withPanel(panel('Latency: p50', 's', latencyQuantileQuery(0.5, perRoute), '{{route}}'))
    .withPanel(panel('Latency: p95', 's', latencyQuantileQuery(0.95, perRoute), '{{route}}'))
    .withRow(new RowBuilder('Saturation'))
    .withPanel(panel('CPU seconds per second', 'none', `rate(process_cpu_seconds_total{${selector}}[$__rate_interval])`, '{{pod}}'))
    .withPanel(panel('Resident memory', 'bytes', `process_resident_memory_bytes{${selector}}`, '{{pod}}'))
    .withRow(new RowBuilder('Connections and resilience'))
    .withPanel(panel('Active connections by protocol', 'short', `sum by (protocol) (${METRICS.activeConnections.name}{${selector}})`, '{{protocol}}'))
    .withPanel(panel('Circuit state (0 closed, 1 half-open, 2 open)', 'short', `max by (upstream) (${METRICS.circuitState.name}{${selector}})`, '{{upstream}}'))
    .withPanel(panel('Rate-limit rejections per second', 'reqps', `sum by (route) (rate(${METRICS.rateLimitRejected.name}{${selector}}[$__rate_interval]))`, '{{route}}'))
    .withRow(new RowBuilder('Logs'))
    .withPanel(
      new TimeSeriesBuilder()
        .title('Gateway error lines per route (5xx access lines)')
        .unit('short')
        .span(24)
        .height(8)
        .datasource({ type: 'loki', uid: DATASOURCE_UIDS.loki })
        .withTarget(new LokiQueryBuilder().expr(gatewayErrorLinesQuery()).legendFormat('{{route}}').queryType('range')),
    )
    .build();
}
