import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ManifestObject } from '../../infra/synth/validate-manifests';

// Manifests are plain data read back from YAML.
type Manifest = any;

/**
 * Writes each PrometheusRule's `spec.groups` as a plain Prometheus rules file, the form
 * prometheus-operator hands to Prometheus, and returns the paths.
 */
export function writeRuleFiles(objects: readonly ManifestObject[], dir: string): string[] {
  return (objects as Manifest[])
    .filter((o) => o.kind === 'PrometheusRule')
    .map((rule) => {
      const path = join(dir, `${rule.metadata.namespace}-${rule.metadata.name}.rules.yaml`);
      writeFileSync(path, stringify({ groups: rule.spec.groups }));
      return path;
    });
}
