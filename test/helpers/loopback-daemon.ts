import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from './debian-tool';
import { closedPort } from './loopback-server';

/** A Debian daemon (Prometheus, Alertmanager, node-exporter) running on 127.0.0.1 for a test. */
export interface LoopbackDaemon {
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  readonly url: string;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and deletes its folder. */
  stop(): Promise<void>;
}

export interface LoopbackDaemonOptions {
  /** Command-line arguments, given the address to listen on and a throw-away folder for its configuration and data. */
  readonly args: (address: string, dir: string) => readonly string[];
  /** Path answering 200 once the daemon serves, e.g. `/-/ready`. */
  readonly readyPath: string;
  /** @default 15_000 */
  readonly readyTimeoutMs?: number;
}

const POLL_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it did. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
}

/** Starts `tool` (a binary from scripts/test-tools.txt) on a free loopback port and waits until it is ready. */
export async function startLoopbackDaemon(tool: string, options: LoopbackDaemonOptions): Promise<LoopbackDaemon> {
  const binary = requireTool(tool);
  const dir = mkdtempSync(join(tmpdir(), `uag-${tool}-`));
  const address = `127.0.0.1:${await closedPort()}`;
  const url = `http://${address}`;
  const child = spawn(binary, [...options.args(address, dir)], { stdio: ['ignore', 'ignore', 'pipe'] });
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
  const ready = await waitUntil(async () => child.exitCode === null && (await fetch(`${url}${options.readyPath}`)).ok, options.readyTimeoutMs ?? 15_000);
  if (!ready) {
    await stop();
    throw new Error(`${tool} did not become ready on ${url}: ${log.join('')}`);
  }
  return { address, url, stop };
}
