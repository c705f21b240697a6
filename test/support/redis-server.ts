import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort, onCleanup } from './edge-harness';

export const REDIS_INSTALL_HINT = 'redis-server is not installed; install it with: apt-get update && apt-get install -y redis-server';

export interface RunningRedis {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts a throw-away redis-server on a free loopback port, without persistence. Fails (never skips) when Redis is missing. */
export async function startRedis(): Promise<RunningRedis> {
  if (spawnSync('redis-server', ['--version']).error !== undefined) throw new Error(REDIS_INSTALL_HINT);
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  onCleanup(stop);
  await waitForPort(port, 5000);
  return { url: `redis://127.0.0.1:${port}`, stop };
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
