import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { requireTool } from './debian-tool';
import { closedPort } from './loopback-server';

export interface PrometheusServerOptions {
  /** `scrape_configs` entries, as in prometheus.yml. */
  readonly scrapeConfigs: readonly object[];
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
  /** Polls `check` until it returns true or `timeoutMs` passes; returns whether it did. */
  waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean>;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and deletes its data. */
  stop(): Promise<void>;
}

const POLL_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
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
  const binary = requireTool('prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'uag-prometheus-'));
  const interval = options.interval ?? '1s';
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(
    configFile,
    stringify({ global: { scrape_interval: interval, evaluation_interval: interval }, rule_files: options.ruleFiles ?? [], scrape_configs: options.scrapeConfigs }),
  );
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(binary, [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const ready = await waitUntil(async () => child.exitCode === null && (await fetch(`${url}/-/ready`)).ok, options.readyTimeoutMs ?? 15_000);
  if (!ready) {
    await stop();
    throw new Error(`prometheus did not become ready on ${url}: ${log.join('')}`);
  }
  return {
    url,
    query: async (expr) => (await (await fetch(`${url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr }) })).json()) as QueryResult,
    waitUntil,
    stop,
  };
}
