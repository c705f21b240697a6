import type { ManifestObject } from '../../infra/synth/validate-manifests';
import { selectorMatches } from '../../policies/k8s/label-selector';

// Manifests are plain data read back from YAML.
type Manifest = any;

/** CRD field names that do not become Alertmanager's by plain snake_casing. */
const RENAMED_FIELDS: Readonly<Record<string, string>> = { apiURL: 'api_url', urlSecret: 'url' };

function snakeCase(field: string): string {
  return RENAMED_FIELDS[field] ?? field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function isSecretKeySelector(value: unknown): value is { name: string; key: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value).filter((k) => k !== 'optional');
  return keys.length === 2 && keys.includes('name') && keys.includes('key');
}

/**
 * What the operator would read from a referenced Secret. URL fields get a URL, so Alertmanager's
 * own URL validation still runs; anything else gets a marked string.
 */
function secretPlaceholder(field: string, secret: { name: string; key: string }): string {
  return /(^|_)url$/.test(field) ? `https://secret.invalid/${secret.name}/${secret.key}` : `placeholder-${secret.name}-${secret.key}`;
}

/** Receiver settings: keys snake_cased and Secret references replaced by placeholders. */
function receiverSettings(value: unknown, field = ''): unknown {
  if (isSecretKeySelector(value)) return secretPlaceholder(field, value);
  if (Array.isArray(value)) return value.map((item) => receiverSettings(item, field));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [snakeCase(key), receiverSettings(child, snakeCase(key))]));
}

interface Matcher {
  readonly name: string;
  readonly value: string;
  readonly matchType?: '=' | '!=' | '=~' | '!~';
}

const matcherText = (m: Matcher) => `${m.name}${m.matchType ?? '='}${JSON.stringify(m.value)}`;

function route(spec: Manifest, prefix: string, extraMatchers: readonly string[]): Record<string, unknown> {
  const { receiver, matchers, routes, ...timing } = spec;
  const converted: Record<string, unknown> = {};
  if (receiver !== undefined) converted.receiver = `${prefix}${receiver}`;
  const allMatchers = [...extraMatchers, ...((matchers ?? []) as Matcher[]).map(matcherText)];
  if (allMatchers.length > 0) converted.matchers = allMatchers;
  for (const [key, value] of Object.entries(timing)) converted[snakeCase(key)] = value;
  if (routes !== undefined) converted.routes = (routes as Manifest[]).map((child) => route(child, prefix, []));
  return converted;
}

/** An AlertmanagerConfig inhibit rule as prometheus-operator writes it: matchers as `name<op>"value"`, plus the namespace where enforced (amcfg.go at v0.86.2). */
function inhibitRule(rule: Manifest, namespaceMatcher: readonly string[]): Record<string, unknown> {
  const matchers = (list: Matcher[] | undefined) => [...namespaceMatcher, ...(list ?? []).map(matcherText)];
  return { source_matchers: matchers(rule.sourceMatch), target_matchers: matchers(rule.targetMatch), ...(rule.equal === undefined ? {} : { equal: rule.equal }) };
}

/**
 * The plain alertmanager.yml prometheus-operator generates for an Alertmanager from the
 * AlertmanagerConfig objects it selects: receivers renamed `<namespace>/<name>/<receiver>`, each
 * object's route a `continue: true` child of a root route to the `null` receiver, a namespace
 * matcher added unless the matcher strategy is `None` (to inhibit rules too), and Secret references filled with
 * placeholders. Field names are converted generically; Alertmanager's strict parser (amtool)
 * then rejects any that do not exist.
 */
export function generatedAlertmanagerConfig(objects: readonly ManifestObject[], alertmanagerName: string): Record<string, unknown> {
  const manifests = objects as Manifest[];
  const alertmanager = manifests.find((o) => o.kind === 'Alertmanager' && o.metadata.name === alertmanagerName);
  if (alertmanager === undefined) throw new Error(`no Alertmanager named ${alertmanagerName}`);
  const { alertmanagerConfigSelector, alertmanagerConfigNamespaceSelector, alertmanagerConfigMatcherStrategy } = alertmanager.spec;
  const matches = (labels: Record<string, string> | undefined, selector: Manifest) => selectorMatches(selector ?? {}, labels ?? {});
  // No namespace selector: only the Alertmanager's own namespace; otherwise the namespaces it matches.
  const namespaceLabels = new Map(manifests.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o.metadata.labels]));
  const inSelectedNamespace = (namespace: string) =>
    alertmanagerConfigNamespaceSelector === undefined ? namespace === alertmanager.metadata.namespace : matches(namespaceLabels.get(namespace), alertmanagerConfigNamespaceSelector);
  const selected = manifests.filter(
    (o) =>
      o.kind === 'AlertmanagerConfig' &&
      alertmanagerConfigSelector !== undefined &&
      inSelectedNamespace(o.metadata.namespace) &&
      matches(o.metadata.labels, alertmanagerConfigSelector),
  );
  const byNamespace = (alertmanagerConfigMatcherStrategy?.type ?? 'OnNamespace') === 'OnNamespace';
  return {
    route: {
      receiver: 'null',
      routes: selected.map((config) => {
        const prefix = `${config.metadata.namespace}/${config.metadata.name}/`;
        return { ...route(config.spec.route, prefix, byNamespace ? [matcherText({ name: 'namespace', value: config.metadata.namespace })] : []), continue: true };
      }),
    },
    inhibit_rules: selected.flatMap((config) =>
      ((config.spec.inhibitRules ?? []) as Manifest[]).map((rule) => inhibitRule(rule, byNamespace ? [matcherText({ name: 'namespace', value: config.metadata.namespace })] : [])),
    ),
    receivers: [
      { name: 'null' },
      ...selected.flatMap((config) =>
        (config.spec.receivers as Manifest[]).map(({ name, ...integrations }) => ({
          name: `${config.metadata.namespace}/${config.metadata.name}/${name}`,
          ...(receiverSettings(integrations) as object),
        })),
      ),
    ],
  };
}
