import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { AlertThresholds, ComputeResources } from '../../../environments/types';

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
}

/** What each domain file needs to build its alerts. */
export interface AlertContext {
  /** PromQL label matchers selecting the gateway's scrape targets, e.g. `job="gateway-admin",namespace="gateway"`. */
  readonly selector: string;
  readonly thresholds: AlertThresholds;
  readonly resources: ComputeResources;
}

type Rule = NonNullable<NonNullable<IPrometheusRule['spec']['groups']>[number]['rules']>[number];

export function toRule(definition: AlertDefinition): Rule {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(definition.alert)) {
    throw new Error(`alert '${definition.alert}' must be CamelCase (letters and digits, starting upper-case)`);
  }
  return {
    alert: definition.alert,
    expr: definition.expr,
    for: definition.for,
    labels: { severity: definition.severity },
    annotations: { summary: definition.summary, description: definition.description, runbook_url: runbookUrl(definition.alert) },
  };
}
