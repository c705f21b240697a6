import type { ManifestObject } from '../../infra/synth/validate-manifests';
import { configMapDocuments, isDashboard } from './config-map-documents';
import { flatPanels } from './grafana-dashboard-types';
import { TEST_POD_TEMPLATE_HASH } from './service-monitor-targets';

/** Where in the platform a query lives; decides how its templating is filled in. */
export type QueryOrigin = 'alert' | 'recording-rule' | 'dashboard-panel' | 'adapter-series' | 'adapter-metrics' | 'keda-trigger' | 'rollout-analysis';

export interface PlatformQuery {
  /** Stable and readable, e.g. `alert GatewayHighErrorRate`; the test's reviewed lists key on it. */
  readonly id: string;
  readonly origin: QueryOrigin;
  /** As written in the manifest, templating included. */
  readonly expr: string;
  /** prometheus-adapter's `<<.Series>>`: the metric its seriesQuery discovers. */
  readonly series?: string;
  /** Argo Rollouts `{{args.name}}` values, resolved from the objects where they are fixed. */
  readonly args?: Readonly<Record<string, string | undefined>>;
}

// Manifests are plain data read back from YAML.
type Manifest = any;

function ruleQueries(rule: Manifest): PlatformQuery[] {
  return (rule.spec.groups as Manifest[]).flatMap((group) =>
    (group.rules as Manifest[]).map((r) =>
      r.alert !== undefined ? { id: `alert ${r.alert}`, origin: 'alert' as const, expr: String(r.expr) } : { id: `recording rule ${r.record} (group ${group.name})`, origin: 'recording-rule' as const, expr: String(r.expr) },
    ),
  );
}

/** Panel targets that query Prometheus (a target's own datasource, else its panel's); Loki's LogQL is checked in logql-syntax.ts. */
function panelQueries(dashboardFile: string, panels: Manifest[]): PlatformQuery[] {
  return flatPanels(panels).flatMap((panel) =>
    ((panel.targets ?? []) as Manifest[])
      .filter((target) => (target.datasource ?? panel.datasource)?.type === 'prometheus')
      .map((target, index): PlatformQuery => ({ id: `dashboard ${dashboardFile} panel "${panel.title}" target ${target.refId ?? index}`, origin: 'dashboard-panel', expr: target.expr }))
      .filter((query) => typeof query.expr === 'string'),
  );
}

function adapterQueries(file: string, config: Manifest): PlatformQuery[] {
  return [config.rules, config.externalRules]
    .flatMap((rules) => (Array.isArray(rules) ? rules : []))
    .filter((rule: Manifest) => typeof rule.seriesQuery === 'string')
    .flatMap((rule: Manifest, index: number) => {
      const series = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rule.seriesQuery)?.[0];
      const id = `prometheus-adapter ${file} rule ${index} (${rule.name?.as ?? series})`;
      return [
        { id: `${id} seriesQuery`, origin: 'adapter-series' as const, expr: rule.seriesQuery as string },
        ...(typeof rule.metricsQuery === 'string' ? [{ id: `${id} metricsQuery`, origin: 'adapter-metrics' as const, expr: rule.metricsQuery as string, series }] : []),
      ];
    });
}

function kedaQueries(scaledObject: Manifest): PlatformQuery[] {
  return ((scaledObject.spec.triggers ?? []) as Manifest[])
    .filter((trigger) => trigger.type === 'prometheus')
    .map((trigger, index) => ({ id: `ScaledObject ${scaledObject.metadata.name} trigger ${trigger.name ?? index}`, origin: 'keda-trigger' as const, expr: String(trigger.metadata.query) }));
}

/**
 * Argument values for an AnalysisTemplate: its own defaults, else what a Rollout passes by name;
 * `podTemplateHashValue` stands for the running pods' hash, which the tests fix.
 */
function analysisArgs(template: Manifest, rollouts: readonly Manifest[]): Record<string, string | undefined> {
  const passed = new Map<string, Manifest>();
  for (const rollout of rollouts) {
    const strategy = rollout.spec.strategy ?? {};
    const references = [
      ...(strategy.canary?.analysis?.templates ? [strategy.canary.analysis] : []),
      ...((strategy.canary?.steps ?? []) as Manifest[]).map((step) => step.analysis).filter(Boolean),
      ...[strategy.blueGreen?.prePromotionAnalysis, strategy.blueGreen?.postPromotionAnalysis].filter(Boolean),
    ] as Manifest[];
    for (const reference of references) {
      if (!(reference.templates as Manifest[]).some((t) => t.templateName === template.metadata.name)) continue;
      for (const arg of (reference.args ?? []) as Manifest[]) passed.set(arg.name, arg);
    }
  }
  const valueOf = (arg: Manifest | undefined): string | undefined =>
    arg?.value ?? (arg?.valueFrom?.podTemplateHashValue !== undefined ? TEST_POD_TEMPLATE_HASH : undefined);
  return Object.fromEntries(((template.spec.args ?? []) as Manifest[]).map((arg) => [arg.name, valueOf(arg) ?? valueOf(passed.get(arg.name))]));
}

function analysisQueries(template: Manifest, rollouts: readonly Manifest[]): PlatformQuery[] {
  const args = analysisArgs(template, rollouts);
  return ((template.spec.metrics ?? []) as Manifest[])
    .filter((metric) => metric.provider?.prometheus?.query !== undefined)
    .map((metric) => ({ id: `${template.kind} ${template.metadata.name} metric ${metric.name}`, origin: 'rollout-analysis' as const, expr: String(metric.provider.prometheus.query), args }));
}

/**
 * Every PromQL expression the platform's objects hold: PrometheusRule alerts and recording
 * rules, dashboard panel targets, prometheus-adapter queries, KEDA prometheus triggers and Argo
 * Rollouts analysis metrics. Read from the objects themselves, so a new panel, rule or analysis is
 * covered without a list kept by hand.
 */
export function collectPlatformQueries(objects: readonly ManifestObject[]): PlatformQuery[] {
  const manifests = objects as Manifest[];
  const rollouts = manifests.filter((o) => o.kind === 'Rollout');
  // Dashboards and prometheus-adapter configurations live in ConfigMaps.
  const fromConfigMaps = configMapDocuments(objects).flatMap((document) =>
    isDashboard(document) ? panelQueries(document.file, document.content.panels) : adapterQueries(document.file, document.content),
  );
  const fromObjects = manifests.flatMap((o): PlatformQuery[] => {
    switch (o.kind) {
      case 'PrometheusRule':
        return ruleQueries(o);
      case 'ScaledObject':
        return kedaQueries(o);
      case 'AnalysisTemplate':
      case 'ClusterAnalysisTemplate':
        return analysisQueries(o, rollouts);
      default:
        return [];
    }
  });
  return [...fromObjects, ...fromConfigMaps];
}

/** Values for the template variables dashboards and the adapter use. */
export interface QueryScope {
  /** The window Grafana would give `$__rate_interval`, `$__interval` and `$__range`. */
  readonly window: string;
  /** Labels the adapter's `<<.LabelMatchers>>` narrows to, as the HPA asks for one namespace's pods. */
  readonly namespace: string;
  readonly pod: string;
}

const GRAFANA_VARIABLES = ['__rate_interval', '__interval', '__range'];

/**
 * The query as Prometheus would receive it: Grafana's interval variables, the adapter's
 * `<<.Series>>`-style template and Argo's `{{args.x}}` filled in. Unknown variables throw with
 * the query's id, so new templating is added here rather than silently left unexpanded.
 */
export function runnableQuery(query: PlatformQuery, scope: QueryScope): string {
  switch (query.origin) {
    case 'dashboard-panel':
      return query.expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => {
        if (!GRAFANA_VARIABLES.includes(name)) throw new Error(`${query.id}: dashboard variable ${whole} has no test value; add it to runnableQuery`);
        return scope.window;
      });
    case 'adapter-metrics': {
      const values: Record<string, string> = {
        Series: query.series ?? '',
        LabelMatchers: `namespace="${scope.namespace}",pod=~"${scope.pod}"`,
        GroupBy: 'pod',
      };
      return query.expr.replace(/<<\s*\.(\w+)\s*>>/g, (whole, name: string) => {
        const value = values[name];
        if (value === undefined || value === '') throw new Error(`${query.id}: adapter template ${whole} has no test value; add it to runnableQuery`);
        return value;
      });
    }
    case 'rollout-analysis':
      return query.expr.replace(/\{\{\s*args\.([\w-]+)\s*\}\}/g, (whole, name: string) => {
        const value = query.args?.[name];
        if (value === undefined) throw new Error(`${query.id}: ${whole} has no value in the AnalysisTemplate or a Rollout; add one or teach runnableQuery how to resolve it`);
        return value;
      });
    default:
      return query.expr;
  }
}
