import { CLUSTER_SCRAPE_TARGETS } from '../cluster-scrape-targets';
import type { AlertDefinition } from './alert';

const CONTROLLER = `job="${CLUSTER_SCRAPE_TARGETS.externalSecrets.job}"`;

/**
 * The Secrets External Secrets Operator keeps from AWS Secrets Manager (the gateway's Redis URL and
 * JWT key, Alertmanager's receiver credentials), from its controller's series
 * (pkg/controllers/externalsecret/esmetrics/esmetrics.go and secretstore/cssmetrics/cssmetrics.go
 * at helm-chart-2.9.0): per object and condition, the current status at 1 and the opposite one at 0.
 * A failed sync sets the ExternalSecret's Ready condition False (externalsecret_controller.go,
 * markAsFailed) and leaves the Kubernetes Secret as it was, so nothing else shows that a rotated
 * value never arrived. On a stack without the operator (local) the series do not exist and nothing fires.
 */
export function secretsSyncAlerts(): AlertDefinition[] {
  return [
    {
      alert: 'ExternalSecretNotSynced',
      expr: `max by (namespace, name) (externalsecret_status_condition{${CONTROLLER},condition="Ready",status="False"}) == 1`,
      for: '15m',
      severity: 'warning',
      summary: 'A Secret is no longer kept in sync with AWS Secrets Manager.',
      description:
        "ExternalSecret {{ $labels.namespace }}/{{ $labels.name }} has not been Ready for 15 minutes: its Secret keeps its last value and a rotated entry never arrives. See the ExternalSecret's events (`kubectl describe externalsecret`), usually Secrets Manager refusing the controller's role (an IAM change) or a missing entry.",
    },
    {
      alert: 'ClusterSecretStoreNotReady',
      // Cluster-scoped: the store is named by `name` alone.
      expr: `max by (name) (clustersecretstore_status_condition{${CONTROLLER},condition="Ready",status="False"}) == 1`,
      for: '10m',
      severity: 'critical',
      summary: 'The store every ExternalSecret reads from is not ready.',
      description:
        "ClusterSecretStore {{ $labels.name }} has not been Ready for 10 minutes: no Secret it serves is refreshed, and a new pod needing a missing one does not start. See its status (`kubectl describe clustersecretstore`): the region, the prefix or the controller's Pod Identity association.",
    },
  ];
}
