import { requireTool, runTool } from './debian-tool';

describe('requireTool', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  it('fails with the install command when the tool is not on PATH, instead of skipping', () => {
    process.env.PATH = '/nonexistent';
    expect(() => requireTool('promtool')).toThrow('promtool is not installed; run: sudo apt-get update && sudo apt-get install -y prometheus (npm test\'s pretest does this as root)');
  });

  it('refuses a tool missing from scripts/test-tools.txt, so pretest would install it too', () => {
    expect(() => requireTool('nginx')).toThrow('nginx is not listed in scripts/test-tools.txt; add it to the line of its Debian package ("<package> <binary>...")');
  });

  it('returns a non-zero exit instead of throwing', async () => {
    const run = await runTool('promtool', ['check', 'rules', '/nonexistent/rules.yaml']);
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain('/nonexistent/rules.yaml');
  });
});
