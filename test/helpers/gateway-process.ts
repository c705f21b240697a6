import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { GATEWAY_NODE_FLAGS } from '../../app/src/contract';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'app', 'src', 'main.ts');

export interface GatewayProcess {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  readonly stderr: string[];
  /** Resolves with the first log line whose `msg` equals `msg`. */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  kill(): void;
}

/**
 * Bundles the gateway exactly as `npm run build` does (scripts/build.mjs) into a fresh folder
 * under `.tmp/`, so a test runs what the image runs, built from the current source, without
 * touching `app/dist/`. Returns the bundle's path; the caller removes its folder.
 */
export function buildGatewayBundle(): Promise<{ bundle: string; folder: string }> {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const folder = mkdtempSync(join(ROOT, '.tmp', 'gateway-bundle-'));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { env: { ...process.env, UAG_BUILD_OUTDIR: folder }, timeout: 20_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`scripts/build.mjs failed: ${stderr || error.message}`)) : resolve({ bundle: join(folder, 'main.js'), folder }),
    );
  });
}

/**
 * Runs the gateway as its own process, as in production: from source (`node --import tsx`), or
 * a bundle from `buildGatewayBundle` with the Node flags the image uses.
 */
export function spawnGateway(env: Record<string, string>, options: { bundle?: string } = {}): GatewayProcess {
  const args = options.bundle === undefined ? ['--import', 'tsx', MAIN] : [...GATEWAY_NODE_FLAGS, options.bundle];
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', UAG_HOST: '127.0.0.1', UAG_HTTP_PORT: '0', UAG_ADMIN_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return watchGatewayOutput(child);
}

/**
 * Follows a process that runs the gateway (itself, or a runner such as `npm run dev` whose output
 * it shares): stdout's JSON lines (other lines become `{ msg: <text> }`), stderr's lines, the exit.
 * `kill` ends the process, or with `processGroup` (spawned detached) its whole process group.
 */
export function watchGatewayOutput(child: ChildProcess, options: { processGroup?: boolean } = {}): GatewayProcess {
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const waiters: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { msg: text };
    }
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.msg === line.msg)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  createInterface({ input: child.stderr! }).on('line', (text) => stderr.push(text));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    lines,
    stderr,
    exited,
    waitForLog(msg, timeoutMs = 15_000) {
      const seen = lines.find((line) => line.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${msg}" log line within ${timeoutMs} ms; stderr: ${stderr.join('\n')}`)), timeoutMs);
        waiters.push({ msg, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void exited.then(() => setTimeout(() => reject(new Error(`gateway exited before "${msg}"; stderr: ${stderr.join('\n')}`)), 50));
      });
    },
    kill() {
      if (child.pid === undefined) return;
      if (options.processGroup === true) {
        // A detached child leads its own process group, which can outlive it: end all of it.
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // the group is gone
        }
      } else if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
    },
  };
}

/** Ports from the "gateway serving" line (the process binds port 0). */
export async function servingPorts(gateway: GatewayProcess, timeoutMs?: number): Promise<{ http: number; admin: number }> {
  const line = (await gateway.waitForLog('gateway serving', timeoutMs)) as { http: { port: number }; admin: { port: number } };
  return { http: line.http.port, admin: line.admin.port };
}

export interface BuiltGateway {
  readonly process: GatewayProcess;
  /** Data-plane port on 127.0.0.1. */
  readonly port: number;
  readonly adminPort: number;
  /** Kills the process and removes its bundle folder. */
  stop(): Promise<void>;
}

/**
 * Bundles the gateway (`buildGatewayBundle`) and runs the bundle with `routes` written to a route
 * file beside it and `env` on top of the loopback defaults; resolves once it serves.
 */
export async function startBuiltGateway(routes: unknown, env: Record<string, string> = {}): Promise<BuiltGateway> {
  const { bundle, folder } = await buildGatewayBundle();
  const routesFile = join(folder, 'routes.json');
  writeFileSync(routesFile, JSON.stringify(routes));
  const gateway = spawnGateway({ UAG_ROUTES_FILE: routesFile, ...env }, { bundle });
  const stop = async () => {
    gateway.kill();
    await gateway.exited;
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    const { http, admin } = await servingPorts(gateway);
    return { process: gateway, port: http, adminPort: admin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
