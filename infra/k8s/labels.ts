/** The `app.kubernetes.io/*` labels every object carries, built in one place. */

export const PART_OF = 'uag-platform';
export const MANAGED_BY = 'cdk8s';
const VERSION_LABEL = 'app.kubernetes.io/version';

export interface AppLabelsProps {
  /** The application, e.g. `gateway`, `grafana`. */
  readonly name: string;
  /** Its role in the platform, e.g. `api-gateway`, `monitoring`. */
  readonly component: string;
}

export type Labels = Readonly<Record<string, string>>;

/** Labels for objects that belong to the platform rather than to one app (namespaces, shared policies, rules). */
export const PLATFORM_LABELS: Labels = {
  'app.kubernetes.io/part-of': PART_OF,
  'app.kubernetes.io/managed-by': MANAGED_BY,
};

/**
 * An app's labels without `version`: what every object of the app carries (ConfigMaps, Services,
 * policies, mesh and monitoring objects) and what its selectors match. Leaving the version out
 * keeps those objects byte-identical across releases: a new image rewrites only what runs it.
 */
export function appLabels(props: AppLabelsProps): Labels {
  return {
    'app.kubernetes.io/name': props.name,
    'app.kubernetes.io/instance': props.name,
    'app.kubernetes.io/component': props.component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/**
 * The app's labels plus `app.kubernetes.io/version`, for the workload object and its pod template
 * only: the objects whose content changes with the image anyway. Never use these in a selector.
 */
export function versionedLabels(labels: Labels, version: string): Labels {
  return { ...labels, [VERSION_LABEL]: version };
}
