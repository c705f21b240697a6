import { Construct } from 'constructs';
import { AlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import { addObject } from '../api-object';
import type { Labels } from '../labels';
import type { Inhibition } from './alerts';

/**
 * Secrets holding receiver credentials. They are created out of band (or by an external-secrets
 * controller) and only referenced here: no credential is ever written to charts-out.
 */
export const RECEIVER_SECRETS = {
  pagerDuty: { name: 'alertmanager-pagerduty', key: 'routing-key' },
  chat: { name: 'alertmanager-chat', key: 'webhook-url' },
  webhook: { name: 'alertmanager-webhook', key: 'url' },
} as const;

export interface AlertRoutingProps {
  readonly namespace: string;
  readonly labels: Labels;
  /** How often a still-firing alert is sent again. @default '1h' */
  readonly repeatInterval?: string;
  /** Label the Alertmanager selects AlertmanagerConfigs by. */
  readonly selectorLabels: Labels;
  /** Alerts muting others while they fire. @default none */
  readonly inhibitions?: readonly Inhibition[];
}

/**
 * Notification pacing. Alertmanager waits `groupWait` before the first notification of a new group
 * (to batch alerts starting together), then sends a group's changes at most every `groupInterval`:
 * at 10 s, a group whose alerts came and went one by one notified every 10 s. Alertmanager's own
 * defaults are 30s and 5m (prometheus-operator v0.86.2 passes both through unchanged).
 */
export const NOTIFICATION_TIMING = { groupWait: '30s', groupInterval: '5m' } as const;

/**
 * Where alerts go: critical to on-call (pager plus chat), warning to chat, everything else to the
 * default webhook; `Watchdog` to the webhook as a dead-man switch. Grouped by alert name and
 * service so one incident is one notification; alerts another one makes redundant are inhibited.
 */
export class AlertRouting extends Construct {
  constructor(scope: Construct, id: string, props: AlertRoutingProps) {
    super(scope, id);
    const chat = { apiURL: { ...RECEIVER_SECRETS.chat }, sendResolved: true };
    addObject(
      this,
      'config',
      new AlertmanagerConfig({
        metadata: { name: 'uag-alert-routing', namespace: props.namespace, labels: { ...props.labels, ...props.selectorLabels } },
        spec: {
          route: {
            receiver: 'default-webhook',
            groupBy: ['alertname', 'service'],
            ...NOTIFICATION_TIMING,
            repeatInterval: props.repeatInterval ?? '1h',
            routes: [
              { receiver: 'on-call', matchers: [{ name: 'severity', value: 'critical', matchType: '=' }] },
              { receiver: 'chat', matchers: [{ name: 'severity', value: 'warning', matchType: '=' }] },
            ],
          },
          // The matcher strategy is None (PrometheusStack), so prometheus-operator adds no namespace
          // matcher to these and they compare the alerts' own namespace label (amcfg.go at v0.86.2).
          inhibitRules: (props.inhibitions ?? []).map(({ sourceMatch, targetMatch, equal }) => ({
            sourceMatch: sourceMatch.map((m) => ({ ...m })),
            targetMatch: targetMatch.map((m) => ({ ...m })),
            equal: [...equal],
          })),
          receivers: [
            { name: 'default-webhook', webhookConfigs: [{ urlSecret: { ...RECEIVER_SECRETS.webhook }, sendResolved: true }] },
            { name: 'on-call', pagerdutyConfigs: [{ routingKey: { ...RECEIVER_SECRETS.pagerDuty }, sendResolved: true }], slackConfigs: [chat] },
            { name: 'chat', slackConfigs: [chat] },
          ],
        },
      }),
    );
  }
}
