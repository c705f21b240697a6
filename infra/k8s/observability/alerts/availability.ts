import type { AlertContext, AlertDefinition } from './alert';

/** Is the gateway there at all: scrape targets down, or none left. */
export function availabilityAlerts({ selector, namespace }: AlertContext): AlertDefinition[] {
  return [
    {
      alert: 'GatewayDown',
      expr: `up{${selector}} == 0`,
      for: '1m',
      severity: 'critical',
      summary: 'A gateway pod is not answering scrapes.',
      description: 'Gateway target {{ $labels.pod }} in {{ $labels.namespace }} has been down for more than 1 minute.',
    },
    {
      alert: 'GatewayAbsent',
      expr: `absent(up{${selector}} == 1)`,
      for: '5m',
      severity: 'critical',
      // absent() of a filtered vector has no labels; the namespace is what inhibition compares.
      labels: { namespace },
      summary: 'No gateway pod is being scraped.',
      description: 'Prometheus has found no healthy gateway target for 5 minutes; all traffic through the gateway is failing or unmonitored.',
    },
  ];
}
