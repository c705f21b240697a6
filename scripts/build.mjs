// Bundles the gateway into app/dist/ and stamps it. The stamp (version, commit, build time) goes
// into build-info.json beside the bundle rather than into it, so main.js depends on source alone
// and its content hash can name the image.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Tests bundle into a folder of their own inside the repository, where node_modules still resolves.
const outdir = process.env.UAG_BUILD_OUTDIR || join(root, 'app', 'dist');

function git(args) {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

const { version, dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// Loaded only when the configuration asks for them, so a gateway that does not use them never
// reads them: JWT verification, the Redis rate-limit store, the OpenTelemetry SDK. Every other
// runtime dependency is on the start-up path and is inlined: Node's CommonJS loader pays a
// resolve, stat, read and compile per file, and those dependencies span about 650 files (zod
// alone loads all 64 of its locales), which was about a third of the start-up time. What is
// inlined stays listed in package.json, so the image still installs it and an image built from
// the same lock holds the same code.
//
// @opentelemetry/api is inlined too: prom-client's process metrics load it at start (for
// exemplars). With tracing on, the SDK loads its own copy from node_modules; the two share one
// state, as the API is built to: every registration lives in a global keyed by
// Symbol.for('opentelemetry.js.api.1') and requires the same version, and context keys are
// Symbol.for keys (@opentelemetry/api 1.9.0, internal/global-utils.js and context/context.js).
const LOADED_WHEN_CONFIGURED = Object.keys(dependencies).filter(
  (name) => name === 'jose' || name === 'ioredis' || (name.startsWith('@opentelemetry/') && name !== '@opentelemetry/api'),
);
const commit = process.env.GIT_COMMIT || git(['rev-parse', 'HEAD']) || 'unknown';
// Reproducible: SOURCE_DATE_EPOCH, else the commit time, else now.
const epoch = process.env.SOURCE_DATE_EPOCH || git(['log', '-1', '--format=%ct']);
const buildTime = new Date(epoch ? Number(epoch) * 1000 : Date.now()).toISOString();

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const started = performance.now();
await build({
  entryPoints: [join(root, 'app', 'src', 'main.ts')],
  outfile: join(outdir, 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Installed next to the bundle (npm ci --omit=dev in the image) and required from there.
  external: LOADED_WHEN_CONFIGURED,
  // Whitespace and syntax only (names stay, so stack traces read as the source does; the .map
  // gives the positions): the inlined dependencies made a 3.9 MB script that V8 holds and
  // pre-parses, which cost 5 MB of resident memory; minified it is 2.6 MB and memory is where
  // it was with the dependencies external.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
writeFileSync(join(outdir, 'build-info.json'), `${JSON.stringify({ version, commit, buildTime }, null, 2)}\n`);
console.log(`built ${join(outdir, 'main.js').slice(root.length + 1)} (version ${version}, commit ${commit.slice(0, 12)}) in ${Math.round(performance.now() - started)} ms`);
