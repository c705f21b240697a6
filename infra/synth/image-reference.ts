import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_BUNDLE_PATH } from '../../app/src/contract/runtime';

/** Registry used when UAG_IMAGE_REGISTRY is unset: a local registry, as kind and k3d set up. */
export const DEFAULT_IMAGE_REGISTRY = 'localhost:5000';
export const IMAGE_NAME = 'uag-gateway';
/** Hex digits of the content hash kept in the tag: 64 bits, ample to never collide between builds. */
const TAG_LENGTH = 16;

/** The image recipe: how the bundle and the dependencies are put together. */
const RECIPE = ['app/Dockerfile', '.dockerignore'] as const;
const LOCK_FILE = 'package-lock.json';

/** One package as package-lock.json (lockfileVersion 2 or 3) records it under `packages`. */
interface LockedPackage {
  readonly version?: string;
  readonly integrity?: string;
  readonly resolved?: string;
  readonly link?: boolean;
  readonly dev?: boolean;
}

/**
 * The packages `npm ci --omit=dev` installs into the image, as `<install path> <version> <integrity>`
 * lines in install-path order: every entry of the lock that is not marked `dev` (`devOptional` and
 * `optional` entries are installed by `--omit=dev`, so they count). Nothing else of the lock
 * enters: dev dependencies, the root's own metadata, `license`/`engines`/`funding` fields and the
 * optional binaries of other platforms' dev tools change nothing the image runs.
 */
export function productionDependencyClosure(lockText: string): string[] {
  const lock = JSON.parse(lockText) as { lockfileVersion?: number; packages?: Record<string, LockedPackage> };
  if (lock.packages === undefined) {
    throw new Error(`${LOCK_FILE} has no 'packages' (lockfileVersion ${lock.lockfileVersion ?? 'missing'}): regenerate it with npm 7 or later`);
  }
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.dev !== true)
    .map(([path, entry]) => `${path} ${entry.version ?? ''} ${entry.integrity ?? entry.resolved ?? (entry.link ? 'link' : '')}`)
    .sort();
}

/**
 * Tag derived from what the image runs and nothing else: the bundle, the image recipe
 * (`app/Dockerfile`, `.dockerignore`) and the production dependency closure (name, version and
 * integrity of every package the runtime stage installs). The same inputs give the same tag on
 * any machine. Deliberately left out, because they change no byte the image executes:
 * `app/dist/build-info.json` (commit and build time) and the bundle's source map, dev
 * dependencies and lock metadata, and the TypeScript sources themselves (their effect is the
 * bundle). ECR tags are immutable, so a tag that already exists is never pushed again: the image
 * first pushed under a tag is the one every environment runs.
 */
export function imageContentTag(root: string): string {
  const bundle = join(root, GATEWAY_BUNDLE_PATH);
  if (!existsSync(bundle)) throw new Error(`${GATEWAY_BUNDLE_PATH} is missing: run \`npm run build\` first (npm run synth does)`);
  const lockFile = join(root, LOCK_FILE);
  if (!existsSync(lockFile)) throw new Error(`${LOCK_FILE} is missing: the image installs its runtime dependencies from it (npm ci --omit=dev)`);
  const hash = createHash('sha256');
  const add = (name: string, content: string | Buffer) => hash.update(`${name}\0`).update(content).update('\0');
  add(GATEWAY_BUNDLE_PATH, readFileSync(bundle));
  for (const path of RECIPE) if (existsSync(join(root, path))) add(path, readFileSync(join(root, path)));
  add(`${LOCK_FILE} (production closure)`, productionDependencyClosure(readFileSync(lockFile, 'utf8')).join('\n'));
  return hash.digest('hex').slice(0, TAG_LENGTH);
}

/** `<registry>/uag-gateway:<content tag>`; the registry comes from UAG_IMAGE_REGISTRY when set. */
export function imageReference(root: string, registry = process.env.UAG_IMAGE_REGISTRY || DEFAULT_IMAGE_REGISTRY): string {
  return `${registry.replace(/\/+$/, '')}/${IMAGE_NAME}:${imageContentTag(root)}`;
}
