import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { COMPLIANT_TREE, VIOLATIONS_TREE } from './policy-fixtures';

const REPO = join(__dirname, '..', '..', '..');

function runPolicy(...args: string[]) {
  const result = spawnSync(process.execPath, [join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(REPO, 'policies', 'k8s', 'cli.ts'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run policy', () => {
  it('exits 0 and prints the table for a compliant tree', () => {
    const { status, stdout } = runPolicy(COMPLIANT_TREE);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^ENVIRONMENT +OBJECT +RULE +VERDICT +MESSAGE +FIX$/m);
    expect(stdout).toContain('policy check ok: 22 objects;');
  });

  it('exits 1 on violations and can print only the problems', () => {
    const { status, stdout } = runPolicy(VIOLATIONS_TREE, '--problems-only');
    expect(status).toBe(1);
    expect(stdout).toMatch(/^dev +Secret\/shop\/db-password +no-secret-data +fail +Secret\/shop\/db-password: sets stringData/m);
    expect(stdout).not.toMatch(/ pass /);
  });

  it('exits 2 with a reason when the tree is missing', () => {
    const { status, stderr } = runPolicy(join(REPO, 'no-such-charts-out'));
    expect(status).toBe(2);
    expect(stderr).toContain('is not a directory: synthesize it first (npm run synth)');
  });
});
