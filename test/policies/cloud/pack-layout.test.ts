import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const PACK = join(__dirname, '..', '..', '..', 'policies', 'cloud');

/** What `pulumi preview --policy-pack policies/cloud` needs from the folder, checked without the CLI. */
describe('policies/cloud as a policy pack folder', () => {
  it('declares the nodejs runtime in PulumiPolicy.yaml', () => {
    expect(parse(readFileSync(join(PACK, 'PulumiPolicy.yaml'), 'utf8'))).toMatchObject({ runtime: 'nodejs' });
  });

  it('has a package.json with a version, which the PolicyPack constructor reads from the working directory', () => {
    const manifest = JSON.parse(readFileSync(join(PACK, 'package.json'), 'utf8')) as { version?: string; main?: string };
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.main).toBe('index.ts');
  });

  it("gives Pulumi's ts-node CommonJS compiler options like the repository's", () => {
    const tsconfig = JSON.parse(readFileSync(join(PACK, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).toMatchObject({ module: 'commonjs', strict: true });
  });
});
