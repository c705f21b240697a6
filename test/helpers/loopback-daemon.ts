import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from './debian-tool';
import { closedPort } from './loopback-server';

export interface LoopbackDaemonOptions {
  /** A binary listed in scripts/test-tools.txt. */
  readonly binary: string;
  /** Its arguments, given a throw-away folder and the free 127.0.0.1 port it must listen on. */
  readonly args: (dir: string, port: number) => readonly string[];
  /** Writes its configuration into the folder before it starts. */
  readonly prepare?: (dir: string) => void;
  /** @default 15_000 */
  readonly readyTimeoutMs?: number;
}

export interface LoopbackDaemon {
  readonly url: string;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and deletes its folder. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A Debian server binary on 127.0.0.1 and a free port, with a throw-away folder, started and
 * waited for until its `/-/ready` answers (Prometheus and Alertmanager both serve it); stopped and
 * cleaned up when it never does.
 */
export async function startLoopbackDaemon(options: LoopbackDaemonOptions): Promise<LoopbackDaemon> {
  const binary = requireTool(options.binary);
  const dir = mkdtempSync(join(tmpdir(), `uag-${options.binary}-`));
  options.prepare?.(dir);
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(binary, [...options.args(dir, port)], { stdio: ['ignore', 'ignore', 'pipe'] });
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
  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode === null && (await fetch(`${url}/-/ready`).then((response) => response.ok).catch(() => false))) return { url, stop };
    if (Date.now() >= deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`${options.binary} did not become ready on ${url}: ${log.join('')}`);
    }
    await sleep(100);
  }
}
