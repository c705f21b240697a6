import type { AlertContext, RuleGroup } from './alert';
import { availabilityAlerts } from './availability';
import { configurationAlerts } from './configuration';
import { platformAlertGroups } from './platform';
import { restartAlerts } from './restarts';
import { saturationAlerts } from './saturation';
import { SLO_LABEL, sloGroup } from './slo';
import { upstreamAlerts } from './upstreams';
import { watchdogAlerts } from './watchdog';

export * from './alert';
export { BURN_RATE_WINDOWS, SLO_LABEL, SLO_PERIOD_DAYS, type BurnRateWindow } from './slo';

/**
 * Rule groups, one per domain, in the order they appear in the PrometheusRule. Errors and latency
 * are watched through their objectives (error-budget burn rates) rather than fixed thresholds.
 */
export function alertGroups(context: AlertContext): RuleGroup[] {
  return [
    { name: 'gateway-availability', alerts: availabilityAlerts(context) },
    sloGroup(context),
    { name: 'gateway-saturation', alerts: saturationAlerts(context) },
    { name: 'gateway-restarts', alerts: restartAlerts(context) },
    { name: 'gateway-upstreams', alerts: upstreamAlerts(context) },
    { name: 'gateway-configuration', alerts: configurationAlerts(context) },
    { name: 'watchdog', alerts: watchdogAlerts() },
    ...platformAlertGroups(context),
  ];
}

/** An Alertmanager label matcher, as AlertmanagerConfig writes it. */
export interface LabelMatcher {
  readonly name: string;
  readonly value: string;
  readonly matchType: '=' | '!=' | '=~' | '!~';
}

/** Alerts that make others redundant while they fire (Alertmanager inhibition). */
export interface Inhibition {
  readonly sourceMatch: readonly LabelMatcher[];
  readonly targetMatch: readonly LabelMatcher[];
  /** Labels source and target must share for the source to mute the target. */
  readonly equal: readonly string[];
}

export const ALERT_INHIBITIONS: readonly Inhibition[] = [
  // With no gateway target scraped at all, every other gateway alert of that namespace is its symptom.
  {
    sourceMatch: [{ name: 'alertname', value: 'GatewayAbsent', matchType: '=' }],
    targetMatch: [
      { name: 'alertname', value: 'Gateway.+', matchType: '=~' },
      { name: 'alertname', value: 'GatewayAbsent', matchType: '!=' },
    ],
    equal: ['namespace'],
  },
  // A page for a fast budget burn makes the ticket for the same objective's slow burn redundant.
  {
    sourceMatch: [
      { name: 'severity', value: 'critical', matchType: '=' },
      { name: SLO_LABEL, value: '.+', matchType: '=~' },
    ],
    targetMatch: [
      { name: 'severity', value: 'warning', matchType: '=' },
      { name: SLO_LABEL, value: '.+', matchType: '=~' },
    ],
    equal: ['namespace', SLO_LABEL],
  },
];
