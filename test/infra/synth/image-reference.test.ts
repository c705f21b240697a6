import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DEFAULT_IMAGE_REGISTRY, imageContentTag, imageReference, productionDependencyClosure } from '../../../infra/synth/image-reference';

const REPOSITORY_ROOT = join(__dirname, '..', '..', '..');

interface LockOptions {
  readonly runtimeVersion?: string;
  readonly runtimeIntegrity?: string;
  readonly devVersion?: string;
  readonly rootVersion?: string;
  readonly license?: string;
}

/** A lockfileVersion 3 lock with one runtime dependency (and its optional child) and one dev tool. */
function lock(options: LockOptions = {}): string {
  return JSON.stringify(
    {
      name: 'uag-platform',
      version: options.rootVersion ?? '0.1.0',
      lockfileVersion: 3,
      packages: {
        '': { name: 'uag-platform', version: options.rootVersion ?? '0.1.0', dependencies: { runtime: '1.0.0' }, devDependencies: { tool: '1.0.0' } },
        'node_modules/runtime': { version: options.runtimeVersion ?? '1.0.0', integrity: options.runtimeIntegrity ?? 'sha512-runtime', license: options.license ?? 'MIT' },
        'node_modules/runtime-native-linux': { version: '1.0.0', integrity: 'sha512-native', optional: true, os: ['linux'] },
        'node_modules/tool': { version: options.devVersion ?? '1.0.0', integrity: `sha512-tool-${options.devVersion ?? '1.0.0'}`, dev: true },
        'node_modules/tool-native-darwin': { version: options.devVersion ?? '1.0.0', integrity: 'sha512-tool-darwin', dev: true, optional: true },
      },
    },
    null,
    2,
  );
}

describe('image reference', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'uag-image-'));
    write('app/dist/main.js', 'console.log("gateway")\n');
    write('app/dist/main.js.map', '{"version":3}');
    write('app/dist/build-info.json', '{"commit":"aaa","buildTime":"2026-01-01T00:00:00Z"}');
    write('app/Dockerfile', 'FROM node:22-slim\n');
    write('.dockerignore', '*\n!package-lock.json\n');
    write('package-lock.json', lock());
    write('package.json', '{"devDependencies":{"tool":"1.0.0"}}');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is a 16-hex-digit content tag under the registry', () => {
    expect(imageReference(root, 'registry.example.com/team/')).toMatch(/^registry\.example\.com\/team\/uag-gateway:[0-9a-f]{16}$/);
    expect(imageReference(root)).toBe(`${process.env.UAG_IMAGE_REGISTRY || DEFAULT_IMAGE_REGISTRY}/uag-gateway:${imageContentTag(root)}`);
  });

  it('keeps the tag when a dev dependency, lock metadata, the build stamp, the source map or the sources change', () => {
    const before = imageContentTag(root);
    write('package-lock.json', lock({ devVersion: '2.0.0' }));
    write('package.json', '{"devDependencies":{"tool":"2.0.0"}}');
    expect(imageContentTag(root)).toBe(before);
    write('package-lock.json', lock({ devVersion: '2.0.0', rootVersion: '0.2.0', license: 'MIT' }).replace('"lockfileVersion": 3', '"lockfileVersion": 3, "requires": true'));
    expect(imageContentTag(root)).toBe(before);
    write('app/dist/build-info.json', '{"commit":"bbb","buildTime":"2026-02-02T00:00:00Z"}');
    write('app/dist/main.js.map', '{"version":3,"sourcesContent":["// a comment"]}');
    write('app/src/main.ts', '// a comment that does not change the bundle\n');
    write('README.md', 'docs\n');
    expect(imageContentTag(root)).toBe(before);
  });

  it('moves the tag with the bundle, the recipe and every runtime dependency', () => {
    const tags = new Set([imageContentTag(root)]);
    const change = (path: string, text: string) => {
      write(path, text);
      tags.add(imageContentTag(root));
    };
    change('app/dist/main.js', 'console.log("gateway v2")\n');
    change('app/Dockerfile', 'FROM node:22.1-slim\n');
    change('.dockerignore', '*\n!package-lock.json\n!package.json\n');
    change('package-lock.json', lock({ runtimeVersion: '1.0.1' }));
    change('package-lock.json', lock({ runtimeVersion: '1.0.1', runtimeIntegrity: 'sha512-republished' }));
    expect(tags.size).toBe(6);
  });

  it('asks for a build when the bundle is missing', () => {
    rmSync(join(root, 'app', 'dist', 'main.js'));
    expect(() => imageContentTag(root)).toThrow('app/dist/main.js is missing: run `npm run build` first (npm run synth does)');
  });

  it('refuses a lock file without a packages map, naming the fix', () => {
    expect(() => productionDependencyClosure('{"lockfileVersion":1,"dependencies":{}}')).toThrow(
      "package-lock.json has no 'packages' (lockfileVersion 1): regenerate it with npm 7 or later",
    );
  });

  it("holds exactly the packages npm itself installs with --omit=dev from the repository's lock", () => {
    // npm's own judgement of the production tree, read from the installed node_modules.
    const installed = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: REPOSITORY_ROOT, encoding: 'utf8', timeout: 30_000 })
      .split('\n')
      .filter((line) => line.includes('node_modules'))
      .map((line) => relative(REPOSITORY_ROOT, line));
    const lockText = readFileSync(join(REPOSITORY_ROOT, 'package-lock.json'), 'utf8');
    const closure = productionDependencyClosure(lockText).map((line) => line.slice(0, line.indexOf(' ')));
    const packages = (JSON.parse(lockText) as { packages: Record<string, { optional?: boolean }> }).packages;
    expect(installed.length).toBeGreaterThan(50);
    expect(closure).toEqual(expect.arrayContaining(installed));
    // What npm did not install here can only be another platform's optional binary.
    const notInstalledHere = closure.filter((path) => !installed.includes(path));
    expect(notInstalledHere.filter((path) => packages[path]?.optional !== true)).toEqual([]);
  });
});
