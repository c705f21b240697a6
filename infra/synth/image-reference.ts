import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Registry used when UAG_IMAGE_REGISTRY is unset: a local registry, as kind and k3d set up. */
export const DEFAULT_IMAGE_REGISTRY = 'localhost:5000';
export const IMAGE_NAME = 'uag-gateway';
/** Hex digits of the content hash kept in the tag: 64 bits, ample to never collide between builds. */
const TAG_LENGTH = 16;

/** Files whose content defines the image, relative to the repo root. Optional ones count when present. */
export const IMAGE_INPUTS = {
  required: ['app/dist/main.js'],
  optional: ['app/dist/main.js.map', 'app/Dockerfile', '.dockerignore'],
} as const;

interface LockFile {
  packages?: Record<string, { version?: string; integrity?: string; dev?: boolean; optional?: boolean }>;
}

/**
 * The runtime dependencies the image installs (`npm ci --omit=dev`), from the lock file. Dev
 * dependencies are left out so adding a test tool does not rename the image.
 */
export function runtimeDependencies(lockFileText: string): string {
  const lock = JSON.parse(lockFileText) as LockFile;
  return Object.entries(lock.packages ?? {})
    .filter(([path, entry]) => path !== '' && entry.dev !== true)
    .map(([path, entry]) => `${path}@${entry.version ?? ''}#${entry.integrity ?? ''}`)
    .sort()
    .join('\n');
}

/**
 * Tag derived from what goes into the image: the bundle, the runtime dependency set and the image
 * recipe. Same source, same tag; nothing time- or commit-dependent enters it (build-info.json is
 * deliberately not hashed), so charts-out stays reproducible.
 */
export function imageContentTag(root: string): string {
  const hash = createHash('sha256');
  for (const path of IMAGE_INPUTS.required) {
    const file = join(root, path);
    if (!existsSync(file)) throw new Error(`${path} is missing: run \`npm run build\` first (npm run synth does)`);
    hash.update(`${path}\0`).update(readFileSync(file)).update('\0');
  }
  for (const path of IMAGE_INPUTS.optional) {
    const file = join(root, path);
    if (existsSync(file)) hash.update(`${path}\0`).update(readFileSync(file)).update('\0');
  }
  hash.update('runtime-dependencies\0').update(runtimeDependencies(readFileSync(join(root, 'package-lock.json'), 'utf8')));
  return hash.digest('hex').slice(0, TAG_LENGTH);
}

/** `<registry>/uag-gateway:<content tag>`; the registry comes from UAG_IMAGE_REGISTRY when set. */
export function imageReference(root: string, registry = process.env.UAG_IMAGE_REGISTRY || DEFAULT_IMAGE_REGISTRY): string {
  return `${registry.replace(/\/+$/, '')}/${IMAGE_NAME}:${imageContentTag(root)}`;
}
