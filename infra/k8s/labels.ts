/** The `app.kubernetes.io/*` labels every object carries, built in one place. */

export const PART_OF = 'uag-platform';
export const MANAGED_BY = 'cdk8s';

export interface AppLabelsProps {
  /** The application, e.g. `gateway`, `grafana`. */
  readonly name: string;
  /** Its role in the platform, e.g. `api-gateway`, `monitoring`. */
  readonly component: string;
  /** The running version, e.g. an image tag. */
  readonly version: string;
}

export type Labels = Readonly<Record<string, string>>;

/** Labels for objects that belong to the platform rather than to one app (namespaces, shared policies, rules). */
export const PLATFORM_LABELS: Labels = {
  'app.kubernetes.io/part-of': PART_OF,
  'app.kubernetes.io/managed-by': MANAGED_BY,
};

export function appLabels(props: AppLabelsProps): Labels {
  return {
    'app.kubernetes.io/name': props.name,
    'app.kubernetes.io/instance': props.name,
    'app.kubernetes.io/version': props.version,
    'app.kubernetes.io/component': props.component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** Selector labels: the app labels minus `version`, which changes on every release while selectors are immutable. */
export function selectorLabels(labels: Labels): Labels {
  const { 'app.kubernetes.io/version': _version, ...selector } = labels;
  return selector;
}
