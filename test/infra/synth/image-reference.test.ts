import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_IMAGE_REGISTRY, imageContentTag, imageReference } from '../../../infra/synth/image-reference';

describe('image reference', () => {
  let root: string;
  const lock = (devVersion: string, runtimeVersion = '1.0.0') =>
    JSON.stringify({ packages: { '': {}, 'node_modules/runtime': { version: runtimeVersion, integrity: 'sha512-r' }, 'node_modules/tool': { version: devVersion, dev: true } } });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'uag-image-'));
    mkdirSync(join(root, 'app', 'dist'), { recursive: true });
    writeFileSync(join(root, 'app', 'dist', 'main.js'), 'console.log("gateway")\n');
    writeFileSync(join(root, 'app', 'dist', 'build-info.json'), '{"commit":"aaa","buildTime":"2026-01-01T00:00:00Z"}');
    writeFileSync(join(root, 'package-lock.json'), lock('1.0.0'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is a 16-hex-digit content tag under the registry', () => {
    expect(imageReference(root, 'registry.example.com/team/')).toMatch(/^registry\.example\.com\/team\/uag-gateway:[0-9a-f]{16}$/);
    expect(imageReference(root)).toBe(`${process.env.UAG_IMAGE_REGISTRY || DEFAULT_IMAGE_REGISTRY}/uag-gateway:${imageContentTag(root)}`);
  });

  it('stays the same when only the build stamp or files outside the build context change', () => {
    const before = imageContentTag(root);
    writeFileSync(join(root, 'app', 'dist', 'build-info.json'), '{"commit":"bbb","buildTime":"2026-02-02T00:00:00Z"}');
    writeFileSync(join(root, 'README.md'), 'docs\n');
    mkdirSync(join(root, 'infra'));
    writeFileSync(join(root, 'infra', 'platform.ts'), 'export {};\n');
    expect(imageContentTag(root)).toBe(before);
  });

  it('changes with the bundle, the recipe and every file of the build context, dev dependencies included', () => {
    const tags = new Set([imageContentTag(root)]);
    const change = (path: string, text: string) => {
      writeFileSync(join(root, path), text);
      tags.add(imageContentTag(root));
    };
    change('app/dist/main.js', 'console.log("gateway v2")\n');
    change('app/Dockerfile', 'FROM node:22-slim\n');
    change('.dockerignore', '*\n!package-lock.json\n!app/src/\n');
    // The build stage installs the whole lock file, so a dev dependency changes the built image too.
    change('package-lock.json', lock('2.0.0'));
    mkdirSync(join(root, 'app', 'src'), { recursive: true });
    change('app/src/main.ts', '// a comment is a new image: the build stage compiles it\n');
    expect(tags.size).toBe(6);
  });

  it('asks for a build when the bundle is missing', () => {
    rmSync(join(root, 'app', 'dist', 'main.js'));
    expect(() => imageContentTag(root)).toThrow('app/dist/main.js is missing: run `npm run build` first (npm run synth does)');
  });
});
