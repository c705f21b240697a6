import { Construct } from 'constructs';
import { AlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import { addObject } from '../api-object';
import type { Labels } from '../labels';

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
}

/**
 * Where alerts go: critical to on-call (pager plus chat), warning to chat, everything else to the
 * default webhook; `Watchdog` to the webhook as a dead-man switch. Grouped by alert name and
 * service so one incident is one notification.
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
            groupWait: '10s',
            groupInterval: '10s',
            repeatInterval: props.repeatInterval ?? '1h',
            routes: [
              { receiver: 'on-call', matchers: [{ name: 'severity', value: 'critical', matchType: '=' }] },
              { receiver: 'chat', matchers: [{ name: 'severity', value: 'warning', matchType: '=' }] },
            ],
          },
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
