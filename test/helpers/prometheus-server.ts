import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startLoopbackDaemon, waitUntil } from './loopback-daemon';

export interface PrometheusServerOptions {
  /** `scrape_configs` entries, as in prometheus.yml; a function receives the server's own `host:port`, for scraping itself. */
  readonly scrapeConfigs: readonly object[] | ((self: string) => readonly object[]);
  /** `host:port` of Alertmanagers to send alerts to. @default none */
  readonly alertmanagers?: readonly string[];
  /** Rule files (absolute paths) to evaluate. */
  readonly ruleFiles?: readonly string[];
  /** Scrape and rule evaluation interval. @default '1s' */
  readonly interval?: string;
  /** How long to wait for readiness. @default 15_000 */
  readonly readyTimeoutMs?: number;
}

export type QueryResult =
  | { readonly status: 'success'; readonly data: { readonly resultType: string; readonly result: unknown } }
  | { readonly status: 'error'; readonly errorType: string; readonly error: string };

export interface PrometheusServer {
  readonly url: string;
  /** Instant query at the current time. A PromQL error comes back as `status: 'error'`, not thrown. */
  query(expr: string): Promise<QueryResult>;
  /** The alerts its rules hold now, pending or firing (`/api/v1/alerts`). */
  alerts(): Promise<{ labels: Record<string, string>; state: 'pending' | 'firing' }[]>;
  /** Polls `check` until it returns true or `timeoutMs` passes; returns whether it did. */
  waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean>;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and deletes its data. */
  stop(): Promise<void>;
}

/**
 * Waits until `selector` has at least one series in Prometheus: a counter's first sample is not
 * counted by `increase`/`rate`, so traffic meant to be measured goes after it.
 */
export async function waitForSeries(prometheus: PrometheusServer, selector: string, timeoutMs: number): Promise<void> {
  const seen = await prometheus.waitUntil(async () => {
    const result = await prometheus.query(selector);
    return result.status === 'success' && (result.data.result as unknown[]).length > 0;
  }, timeoutMs);
  if (!seen) throw new Error(`Prometheus held no series for ${selector} within ${timeoutMs} ms`);
}

/**
 * The Debian `prometheus` on 127.0.0.1 and a free port, with a throw-away data folder and a
 * generated configuration.
 */
export async function startPrometheus(options: PrometheusServerOptions): Promise<PrometheusServer> {
  const interval = options.interval ?? '1s';
  const daemon = await startLoopbackDaemon('prometheus', {
    args: (address, dir) => {
      const configFile = join(dir, 'prometheus.yml');
      const scrapeConfigs = typeof options.scrapeConfigs === 'function' ? options.scrapeConfigs(address) : options.scrapeConfigs;
      const alerting = options.alertmanagers === undefined ? {} : { alerting: { alertmanagers: [{ static_configs: [{ targets: [...options.alertmanagers] }] }] } };
      writeFileSync(
        configFile,
        stringify({ global: { scrape_interval: interval, evaluation_interval: interval }, rule_files: options.ruleFiles ?? [], scrape_configs: scrapeConfigs, ...alerting }),
      );
      return [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${address}`, '--log.level=warn'];
    },
    readyPath: '/-/ready',
    readyTimeoutMs: options.readyTimeoutMs,
  });
  return {
    url: daemon.url,
    query: async (expr) => (await (await fetch(`${daemon.url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr }) })).json()) as QueryResult,
    alerts: async () => ((await (await fetch(`${daemon.url}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: 'pending' | 'firing' }[] } }).data.alerts,
    waitUntil,
    stop: () => daemon.stop(),
  };
}
