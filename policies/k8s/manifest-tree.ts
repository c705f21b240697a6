import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubernetesObject, ManifestObject } from './manifest-object';

/** Environment name for manifests sitting directly in the tree's root rather than in `<env>/`. */
export const ROOT_ENVIRONMENT = '(root)';

const MANIFEST_FILE = /\.ya?ml$/;

/**
 * Reads every Kubernetes object from the YAML files under `root` (multi-document files and `List`
 * objects included), in a stable order so reports diff cleanly.
 */
export function readManifestTree(root: string): ManifestObject[] {
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`manifest tree '${root}' is not a directory: synthesize it first (npm run synth) or pass an existing folder`);
  }
  return manifestFiles(root).flatMap((path) => {
    const file = relative(root, path);
    const parts = file.split(sep);
    const environment = parts.length > 1 ? (parts[0] as string) : ROOT_ENVIRONMENT;
    return parseManifestFile(readFileSync(path, 'utf8'), file).map((object) => ({ environment, file, object }));
  });
}

function manifestFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return manifestFiles(path);
      return entry.isFile() && MANIFEST_FILE.test(entry.name) ? [path] : [];
    });
}

/** Parses one file; `file` only names it in errors. */
export function parseManifestFile(text: string, file: string): KubernetesObject[] {
  return parseAllDocuments(text).flatMap((document, index) => {
    if (document.errors.length > 0) {
      throw new Error(`${file}: YAML document ${index + 1} does not parse: ${document.errors[0]?.message}`);
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return [];
    return expandLists(asKubernetesObject(value, `${file}: document ${index + 1}`));
  });
}

function expandLists(object: KubernetesObject): KubernetesObject[] {
  if (object.kind !== 'List' && !object.kind.endsWith('List')) return [object];
  const items = object.items;
  if (!Array.isArray(items)) return [object];
  return items.map((item, index) => asKubernetesObject(item, `${object.kind} item ${index + 1}`));
}

function asKubernetesObject(value: unknown, where: string): KubernetesObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where} is not a mapping: every manifest document must be one Kubernetes object`);
  }
  const candidate = value as Record<string, unknown>;
  for (const field of ['apiVersion', 'kind'] as const) {
    if (typeof candidate[field] !== 'string' || candidate[field] === '') {
      throw new Error(`${where} has no '${field}': set it so the object can be matched against the rules`);
    }
  }
  const metadata = candidate.metadata ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new Error(`${where} has a 'metadata' that is not a mapping`);
  }
  return { ...candidate, metadata } as KubernetesObject;
}
