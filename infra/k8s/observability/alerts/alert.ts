import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { AlertThresholds, ComputeResources, SloSpec } from '../../../environments/types';

/** The fixed set of severities Alertmanager routes on. */
export const SEVERITIES = ['critical', 'warning', 'none'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Every runbook lives at one address pattern: the alert name, lower-cased, under this base. */
export const RUNBOOK_BASE_URL = 'https://runbooks.uag.example.com/alerts';

export function runbookUrl(alertName: string): string {
  return `${RUNBOOK_BASE_URL}/${alertName.toLowerCase()}`;
}

export interface AlertDefinition {
  /** CamelCase, e.g. `GatewayHighErrorRate`. */
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold, e.g. `5m`. */
  readonly for: string;
  readonly severity: Severity;
  readonly summary: string;
  /** May use `{{ $labels.x }}` and `{{ $value }}`. */
  readonly description: string;
  /** Labels besides `severity`, e.g. what inhibition rules compare. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A recording rule: `record` follows Prometheus's `level:metric:operations` naming. */
export interface RecordingDefinition {
  readonly record: string;
  readonly expr: string;
}

/** One rule group of the PrometheusRule: recording rules first, so its alerts read this round's values. */
export interface RuleGroup {
  readonly name: string;
  readonly records?: readonly RecordingDefinition[];
  readonly alerts: readonly AlertDefinition[];
}

/** What each domain file needs to build its alerts. */
export interface AlertContext {
  /** PromQL label matchers selecting the gateway's scrape targets, e.g. `job="gateway-admin",namespace="gateway"`. */
  readonly selector: string;
  /** The gateway's namespace: the label series recorded per namespace keep. */
  readonly namespace: string;
  readonly thresholds: AlertThresholds;
  readonly slo: SloSpec;
  readonly resources: ComputeResources;
}

export type Rule = NonNullable<NonNullable<IPrometheusRule['spec']['groups']>[number]['rules']>[number];

export function toRule(definition: AlertDefinition): Rule {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(definition.alert)) {
    throw new Error(`alert '${definition.alert}' must be CamelCase (letters and digits, starting upper-case)`);
  }
  return {
    alert: definition.alert,
    expr: definition.expr,
    for: definition.for,
    labels: { ...definition.labels, severity: definition.severity },
    annotations: { summary: definition.summary, description: definition.description, runbook_url: runbookUrl(definition.alert) },
  };
}

export function toRecordingRule(definition: RecordingDefinition): Rule {
  if (!/^[a-z_]+:[a-z_]+:[a-z0-9_]+$/.test(definition.record)) {
    throw new Error(`recording rule '${definition.record}' must be named level:metric:operations (lower case)`);
  }
  return { record: definition.record, expr: definition.expr };
}

/** Every rule of a group in evaluation order: its recording rules, then its alerts. */
export function groupRules(group: RuleGroup): Rule[] {
  return [...(group.records ?? []).map(toRecordingRule), ...group.alerts.map(toRule)];
}
