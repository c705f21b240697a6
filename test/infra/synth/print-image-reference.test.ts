import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageReference } from '../../../infra/synth/image-reference';

const ROOT = join(__dirname, '..', '..', '..');

/** `npm run --silent image-reference -- <root>` as a pipeline runs it: the script's own command line. */
function printImageReference(root: string, registry: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  return new Promise((resolve) => {
    execFile(tsx, [join(ROOT, 'infra', 'synth', 'print-image-reference.ts'), root], { env: { ...process.env, UAG_IMAGE_REGISTRY: registry }, timeout: 15_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
    );
  });
}

describe('npm run image-reference', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'uag-image-cli-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('prints the reference the synth renders, under UAG_IMAGE_REGISTRY, and nothing else', async () => {
    mkdirSync(join(root, 'app', 'dist'), { recursive: true });
    writeFileSync(join(root, 'app', 'dist', 'main.js'), 'console.log("gateway")\n');
    writeFileSync(join(root, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/runtime': { version: '1.0.0', integrity: 'sha512-r' } } }));
    const registry = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
    expect(await printImageReference(root, registry)).toEqual({ code: 0, stdout: `${imageReference(root, registry)}\n`, stderr: '' });
  });

  it('fails with the command to run when the bundle is not built', async () => {
    expect(await printImageReference(root, 'registry.test')).toEqual({ code: 1, stdout: '', stderr: 'app/dist/main.js is missing: run `npm run build` first (npm run synth does)\n' });
  });
});
