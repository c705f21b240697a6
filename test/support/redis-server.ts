import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { requireTool } from '../helpers/debian-tool';
import { freePort, onCleanup } from './edge-harness';

const READY_TIMEOUT_MS = 5000;

export interface RunningRedis {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts a throw-away redis-server on a free loopback port, without persistence, requiring
 * `password` when one is given (it is then in the URL). Fails (never skips) when Redis is missing.
 */
export async function startRedis(options: { password?: string } = {}): Promise<RunningRedis> {
  const binary = requireTool('redis-server');
  const port = await freePort();
  const auth = options.password === undefined ? [] : ['--requirepass', options.password];
  const child: ChildProcess = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...auth], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  onCleanup(stop);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not get ready on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      resolve();
    });
    void exited.then(() => reject(new Error('redis-server exited before it was ready')));
  });
  return { url: `redis://${options.password === undefined ? '' : `:${options.password}@`}127.0.0.1:${port}`, stop };
}
