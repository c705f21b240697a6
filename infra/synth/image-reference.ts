import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Registry used when UAG_IMAGE_REGISTRY is unset: a local registry, as kind and k3d set up. */
export const DEFAULT_IMAGE_REGISTRY = 'localhost:5000';
export const IMAGE_NAME = 'uag-gateway';
/** Hex digits of the content hash kept in the tag: 64 bits, ample to never collide between builds. */
const TAG_LENGTH = 16;

/** The bundle the image runs; it must exist (built by `npm run build`). */
export const BUNDLE = 'app/dist/main.js';
/** The image recipe, hashed along with everything it admits into the build context. */
const RECIPE = ['app/Dockerfile', '.dockerignore'] as const;

/**
 * Files the Docker build context holds, as `.dockerignore` admits them: it excludes everything
 * (`*`) and re-includes paths with `!`. Hashing exactly the context matters because ECR tags are
 * immutable: any change that makes `docker build` produce a new image (a dev dependency in the
 * lock file the build stage installs, a comment in the sources) must also produce a new tag, or
 * the push under the old tag is refused.
 */
export function dockerContextFiles(root: string): string[] {
  const ignoreFile = join(root, '.dockerignore');
  if (!existsSync(ignoreFile)) return [];
  const included = readFileSync(ignoreFile, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1).replace(/\/+$/, ''));
  return included.flatMap((path) => filesUnder(root, path)).sort();
}

function filesUnder(root: string, path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full).flatMap((entry) => filesUnder(root, `${path}/${entry}`));
}

/**
 * Tag derived from what goes into the image: the bundle, the image recipe and the whole build
 * context. Same source, same tag; nothing time- or commit-dependent enters it (build-info.json is
 * deliberately not hashed), so charts-out stays reproducible.
 */
export function imageContentTag(root: string): string {
  const bundle = join(root, BUNDLE);
  if (!existsSync(bundle)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (npm run synth does)`);
  const hash = createHash('sha256');
  const inputs = [BUNDLE, ...RECIPE.filter((path) => existsSync(join(root, path))), ...dockerContextFiles(root)];
  for (const path of new Set(inputs)) hash.update(`${path}\0`).update(readFileSync(join(root, path))).update('\0');
  return hash.digest('hex').slice(0, TAG_LENGTH);
}

/** `<registry>/uag-gateway:<content tag>`; the registry comes from UAG_IMAGE_REGISTRY when set. */
export function imageReference(root: string, registry = process.env.UAG_IMAGE_REGISTRY || DEFAULT_IMAGE_REGISTRY): string {
  return `${registry.replace(/\/+$/, '')}/${IMAGE_NAME}:${imageContentTag(root)}`;
}
