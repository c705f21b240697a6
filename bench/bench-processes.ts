import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

/** Shared plumbing for the edge benchmarks: the built gateway and helper processes. */

export const ROOT = join(__dirname, '..');
export const GATEWAY_BUNDLE = join(ROOT, 'app', 'dist', 'main.js');

export function requireBuild(): void {
  if (!existsSync(GATEWAY_BUNDLE)) {
    console.error('app/dist/main.js is missing: run `npm run build` first');
    process.exit(1);
  }
}

export const HAS_TASKSET = spawnSync('taskset', ['--version']).error === undefined;

/** `node args` pinned to `cpu` when taskset exists, so the processes under test do not share a core. */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv, cpu?: number): ChildProcess {
  const command = HAS_TASKSET && cpu !== undefined ? 'taskset' : process.execPath;
  const argv = HAS_TASKSET && cpu !== undefined ? ['-c', String(cpu), process.execPath, ...args] : args;
  const child = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  process.once('exit', () => child.kill('SIGKILL'));
  return child;
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resident set size of `pid` in MiB, from /proc. */
export function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1]) / 1024;
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** A loopback port free right now: bound to 0, read, released. */
export async function benchPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs a benchmark's `main` and exits (helper processes are killed on exit). */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
