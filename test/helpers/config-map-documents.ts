import { parse as parseYaml } from 'yaml';
import type { ManifestObject } from '../../infra/synth/validate-manifests';

export interface ConfigMapDocument {
  /** `<namespace>/<configmap>/<key>`. */
  readonly file: string;
  // Whatever the file holds: dashboards, datasources, adapter rules...
  readonly content: any;
}

/**
 * The structured files ConfigMaps carry (`.json` keys as JSON, others as YAML), parsed; plain
 * text that parses to no object is left out.
 */
export function configMapDocuments(objects: readonly ManifestObject[]): ConfigMapDocument[] {
  return objects
    .filter((o) => o.kind === 'ConfigMap')
    .flatMap((configMap: any) =>
      Object.entries((configMap.data ?? {}) as Record<string, string>).flatMap(([key, text]) => {
        try {
          const content: unknown = key.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
          return typeof content === 'object' && content !== null ? [{ file: `${configMap.metadata.namespace}/${configMap.metadata.name}/${key}`, content }] : [];
        } catch {
          return [];
        }
      }),
    );
}

/** Grafana dashboards: JSON documents with a `panels` list. */
export const isDashboard = (document: ConfigMapDocument) => Array.isArray(document.content.panels);
