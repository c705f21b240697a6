// `npm run dev` (the gateway from source) and `npm start` (the built bundle): with the sample
// route table, echo services on its loopback upstreams first, then the gateway in front of them.
//
// Signals. The gateway drains on its first SIGINT or SIGTERM and exits at once on a second, so it
// must get exactly one per Ctrl-C. The terminal sends SIGINT to every process of the foreground
// process group, which includes the gateway (spawned in this process's group), and npm passes its
// own copy on to this process, its direct child (package.json runs this with `exec`, so no shell
// sits in between: dash would die of that copy once the gateway exited and npm would report 130
// after a clean drain). Passing SIGINT on from here would be the second signal, so SIGINT is only
// kept from killing this process, which waits for the gateway. SIGTERM is aimed at a process (a
// supervisor, `kill <pid of npm>`, npm passing its copy on), not at a group, so it is passed on.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { constants } from 'node:os';
import { join, resolve } from 'node:path';
import { GATEWAY_BUNDLE_PATH, GATEWAY_NODE_FLAGS } from '../app/src/contract';
import { loadRouteTableFile } from '../app/src/config/route-table-loader';
import { loopbackUpstreamsOf, startDemoService } from '../app/demo/demo-upstreams';

const ROOT = join(__dirname, '..');
const SAMPLE_ROUTES = join(ROOT, 'app', 'routes.sample.yaml');

/** What runs as the gateway: its source through tsx, or the bundle exactly as the image starts it. */
type GatewayFrom = 'source' | 'bundle';

/**
 * What runs as the gateway: its source through tsx, or a bundle (app/dist/main.js unless another
 * is named, `npm start -- <bundle>`) exactly as the image starts it.
 */
export function gatewayCommand(from: GatewayFrom, bundle = join(ROOT, GATEWAY_BUNDLE_PATH)): string[] {
  return from === 'source' ? ['--import', 'tsx', join(ROOT, 'app', 'src', 'main.ts')] : [...GATEWAY_NODE_FLAGS, bundle];
}

/**
 * Settings a local run gets unless the caller sets them. From source, no drain delay: nothing
 * balances load in front of it, and a restart in the edit loop should not wait.
 */
const LOCAL_DEFAULTS: Record<GatewayFrom, Record<string, string>> = {
  source: { UAG_DRAIN_DELAY_MS: '0' },
  bundle: {},
};

/** The shell's convention: a process killed by a signal counts as 128 + its number. */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return signal === null ? 1 : 128 + constants.signals[signal];
}

async function main(from: GatewayFrom, bundle: string | undefined): Promise<void> {
  const command = gatewayCommand(from, bundle === undefined ? undefined : resolve(bundle));
  const entry = command[command.length - 1]!;
  if (!existsSync(entry)) {
    process.stderr.write(`${entry} is missing: run npm run build first (or npm run dev to run the source)\n`);
    process.exit(1);
  }
  const routesFile = resolve(process.env.UAG_ROUTES_FILE || SAMPLE_ROUTES);
  const demos: Server[] = [];
  // Until the gateway runs, a stop request ends the run once the demo upstreams are closed.
  let stopRequested: NodeJS.Signals | undefined;
  const holdSignal = (signal: NodeJS.Signals) => {
    stopRequested ??= signal;
  };
  process.on('SIGINT', holdSignal);
  process.on('SIGTERM', holdSignal);

  if (routesFile === SAMPLE_ROUTES) {
    for (const upstream of loopbackUpstreamsOf(loadRouteTableFile(routesFile))) {
      demos.push(await startDemoService(upstream.name, upstream.port, upstream.host));
      process.stdout.write(`demo upstream "${upstream.name}" on ${upstream.host}:${upstream.port}\n`);
    }
  } else {
    process.stdout.write(`route table ${routesFile}: its upstreams are yours to start (demo upstreams run only with app/routes.sample.yaml)\n`);
  }
  const closeDemos = () => Promise.all(demos.map((server) => new Promise((done) => server.close(done))));
  if (stopRequested !== undefined) {
    await closeDemos();
    process.exit(exitCodeOf(null, stopRequested));
  }

  const gateway = spawn(process.execPath, command, {
    stdio: 'inherit',
    env: { ...LOCAL_DEFAULTS[from], ...process.env, UAG_ROUTES_FILE: routesFile },
  });
  process.off('SIGINT', holdSignal);
  process.off('SIGTERM', holdSignal);
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => gateway.kill('SIGTERM'));
  gateway.once('exit', (code, signal) => {
    void closeDemos().then(() => process.exit(exitCodeOf(code, signal)));
  });
}

if (require.main === module) {
  const [from, bundle] = process.argv.slice(2);
  if (from !== 'source' && from !== 'bundle') {
    process.stderr.write(`usage: local-gateway.ts source | bundle [path to main.js] (got ${from ?? 'nothing'})\n`);
    process.exit(2);
  }
  void main(from, bundle);
}
