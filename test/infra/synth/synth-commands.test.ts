import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { useTempDir } from '../../helpers/cleanup';

/**
 * The synth commands as a user runs them, in a scratch copy of the working tree (node_modules
 * linked), so an environment can be broken without touching the repository.
 */
const REPOSITORY_ROOT = join(__dirname, '..', '..', '..');
const scratch = useTempDir('uag-synth-commands-');
const DEV_FILE = 'infra/environments/dev.ts';

function copyWorkingTree(target: string): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPOSITORY_ROOT, encoding: 'utf8' });
  for (const file of listed.stdout.split('\0').filter((f) => f !== '')) {
    mkdirSync(join(target, dirname(file)), { recursive: true });
    cpSync(join(REPOSITORY_ROOT, file), join(target, file));
  }
  symlinkSync(join(REPOSITORY_ROOT, 'node_modules'), join(target, 'node_modules'));
}

/** Every file under charts-out/ with its content, to prove a command left it as it was. */
function chartsOut(root: string): Record<string, string> {
  const folder = join(root, 'charts-out');
  return Object.fromEntries(
    readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [path.slice(folder.length + 1), readFileSync(path, 'utf8')];
      }),
  );
}

function run(command: string, args: string[]): { status: number | null; output: string } {
  // No upgrade check (it would reach the npm registry) and no CI freshness check (not a git clone).
  const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false', CI: '' };
  const result = spawnSync(command, args, { cwd: scratch(), env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function editDev(edit: (source: string) => string): void {
  const path = join(scratch(), DEV_FILE);
  writeFileSync(path, edit(readFileSync(join(REPOSITORY_ROOT, DEV_FILE), 'utf8')));
}

describe('synth commands', () => {
  beforeAll(() => copyWorkingTree(scratch()));

  it('npx cdk8s synth fails on a bad environment without deleting charts-out/ (regression: the CLI emptied it before running the app)', () => {
    editDev((source) => source.replace(/minReplicas: \d+/, 'minReplicas: 4'));
    const before = chartsOut(scratch());
    const result = run('npx', ['cdk8s', 'synth']);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('infra/environments/dev.ts: gateway.autoscaling.minReplicas (4) must not exceed gateway.autoscaling.maxReplicas');
    expect(result.output).toContain('charts-out/ was left unchanged.');
    expect(result.output).not.toContain('A new version');
    expect(chartsOut(scratch())).toEqual(before);
  }, 60_000);

  it('npm run diff shows what adding a route to one environment changes, object by object, and writes nothing', () => {
    const route = "{ name: 'billing', match: { pathPrefix: '/api/billing' }, upstream: { service: 'billing', namespace: 'billing', port: 8080 } }";
    editDev((source) => source.replace("  name: 'dev',\n", `  name: 'dev',\n  routes: { add: [${route}] },\n`));
    const before = chartsOut(scratch());
    const result = run('npm', ['run', '--silent', 'diff']);
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/^dev: \d+ changed, 1 added, 0 removed/m);
    expect(result.output).toContain('  + DestinationRule gateway/upstream-billing.billing');
    // The ConfigMap changes in place (dev reloads route changes), its checksum annotation with it.
    expect(result.output).toMatch(/^ {2}~ ConfigMap gateway\/gateway-routes\n(?: {6}.*\n)*? {6}data\["routes.yaml"\]:\n(?: {8}[-+] .*\n)*? {8}\+ {5}name: billing$/m);
    expect(result.output).toMatch(/^ {2}~ ConfigMap gateway\/gateway-routes\n {6}metadata\.annotations\["uag\.example\.com\/routes-sha256"\]/m);
    expect(chartsOut(scratch())).toEqual(before);
  }, 60_000);
});
