import { PLATFORM_ALERT_THRESHOLDS as T } from '../../../../../infra/k8s/observability/alerts/platform-thresholds';
import { CLUSTER_SCRAPE_TARGETS } from '../../../../../infra/k8s/observability/cluster-scrape-targets';
import { NAMESPACES } from '../../../../../infra/k8s/platform-names';
import { PLATFORM_NAMES } from '../../../../../infra/pulumi/platform-contract';
import type { AlertDefinition } from '../../../../../infra/k8s/observability/alerts';
import { alertRuleTests, type AlertRuleCases, type AlertScenario } from '../../../../helpers/promtool-rule-tests';
import { EVENTS_PER_MINUTE, aroundThreshold, counter, definitionOf, gauge, gaugeScenario, nudge, series, type Labels, type Side } from './scenario-series';

const { externalSecrets, karpenter, fluentBit, loki, kubeStateMetrics } = CLUSTER_SCRAPE_TARGETS;

/** ESO's controller, scraped with `honorLabels` (external-secrets.ts): an ExternalSecret's series keep its own namespace. */
const ESO: Labels = { job: externalSecrets.job, instance: '10.30.1.12:8080', service: externalSecrets.job, endpoint: 'metrics', pod: 'external-secrets-5f8d9c7b6-q4w2n' };
const KARPENTER: Labels = { job: karpenter.job, namespace: karpenter.namespace, instance: '10.30.1.14:8080', service: karpenter.job, endpoint: 'http-metrics', pod: 'karpenter-6c9f7d8b5-h7k2m' };
const FLUENT_BIT: Labels = { job: fluentBit.job, namespace: fluentBit.namespace, instance: '10.30.1.21:2020', service: 'fluent-bit', endpoint: 'http', pod: 'fluent-bit-x7k2p', name: 'loki.0' };
const LOKI: Labels = { job: loki.job, namespace: loki.namespace, instance: '10.30.1.22:3100', service: 'loki', endpoint: 'http-metrics', pod: 'loki-0', app_instance: 'loki' };
const KSM: Labels = { job: kubeStateMetrics.job, instance: '10.30.1.5:8080', service: 'prometheus-operator-kube-state-metrics', endpoint: 'http' };

/**
 * A status-condition gauge as ESO writes it (pkg/controllers/secretstore/metrics/metrics.go and
 * esmetrics.go at helm-chart-2.9.0): the current status of Ready at 1, the opposite one at 0.
 */
function readyCondition(metric: string, labels: Labels, current: 'True' | 'False') {
  return (['True', 'False'] as const).map((status) => series(metric, { ...labels, condition: 'Ready', status }, gauge(status === current ? 1 : 0)));
}

/** Loki's push responses: `ratio` of them refused with a 500, the others accepted with a 204. */
function pushes(ratio: number) {
  const refused = Math.round(ratio * EVENTS_PER_MINUTE);
  const response = (status_code: string, perMinute: number) =>
    series('loki_request_duration_seconds_count', { ...LOKI, method: 'POST', route: 'loki_api_v1_push', status_code, ws: 'false' }, counter(perMinute));
  return { series: [response('500', refused), response('204', EVENTS_PER_MINUTE - refused)], value: refused / EVENTS_PER_MINUTE };
}

/**
 * Karpenter's count of unschedulable pods either side of 0 while the scheduler reports a pod it
 * cannot place, and (regression) the count Karpenter leaves behind once no pod is pending, which
 * must not fire: the provisioner only resets it when it has pods to schedule.
 */
function unschedulableCases(alert: AlertDefinition): AlertRuleCases {
  const count = (pods: number) => series('karpenter_scheduler_unschedulable_pods_count', { ...KARPENTER, controller: 'provisioner' }, gauge(pods));
  const pending = series('kube_pod_status_unschedulable', { ...KSM, namespace: NAMESPACES.gateway, pod: 'gateway-7d9c4-z8p4r', uid: '3f1c2b9e-7a41-4c55-9d0e-2b6f8e4a1c77' }, gauge(1));
  const scenario: AlertScenario = { justBelow: [count(0), pending], atThreshold: [count(3), pending], holdsFromMinute: 0, alertLabels: { job: karpenter.job }, value: 3 };
  const stale = {
    name: `${alert.alert} stays silent on the count Karpenter keeps once no pod is unschedulable`,
    interval: '1m',
    input_series: [count(3)],
    alert_rule_test: [{ eval_time: '20m', alertname: alert.alert, exp_alerts: [] }],
  };
  return { cases: [...alertRuleTests(alert, scenario), stale].map((test) => ({ evaluationInterval: '1m', test })) };
}

/** For every alert on the cluster add-ons (secrets-sync.ts, node-autoscaling.ts, log-pipeline.ts), series either side of its threshold. */
export function addonAlertScenarios({ definitions }: { readonly definitions: readonly AlertDefinition[] }): Record<string, AlertScenario | AlertRuleCases> {
  const externalSecret = { ...ESO, namespace: NAMESPACES.gateway, name: PLATFORM_NAMES.secrets.gatewayEnvironment };
  // Cluster-scoped: ESO writes an empty namespace, so the target's stays.
  const store = { ...ESO, namespace: externalSecrets.namespace, name: 'aws-secrets-manager' };
  const registration = { ...KARPENTER, name: 'default', type: 'NodeRegistrationHealthy', status: 'False', reason: 'RegistrationFailed' };
  const limit = { ...KARPENTER, nodepool: 'default', resource_type: 'cpu' };
  const nodePoolCpus = 16;
  const nodePoolUsage = (side: Side) => {
    const used = nudge(T.nodePoolLimitRatio, side) * nodePoolCpus;
    return { series: [series('karpenter_nodepools_usage', limit, gauge(used)), series('karpenter_nodepools_limit', limit, gauge(nodePoolCpus))], value: used / nodePoolCpus };
  };
  const interruption = { ...KARPENTER, controller: 'interruption' };
  // A poll that reaches the queue is counted with result `requeue_after`, a failed one with `error` (controller-runtime v0.23.1).
  const interruptionPolls = (completedPerMinute: number) => [
    series('controller_runtime_reconcile_total', { ...interruption, result: 'requeue_after' }, completedPerMinute === 0 ? gauge(40) : counter(completedPerMinute)),
    series('controller_runtime_reconcile_total', { ...interruption, result: 'error' }, counter(2)),
  ];
  const dropsPerMinute = 10;
  const lokiStatefulSet = { ...KSM, namespace: loki.namespace, statefulset: loki.statefulSet };
  const lokiReplicas = (ready: number) => [series('kube_statefulset_status_replicas_ready', lokiStatefulSet, gauge(ready)), series('kube_statefulset_replicas', lokiStatefulSet, gauge(1))];

  return {
    ExternalSecretNotSynced: {
      justBelow: readyCondition('externalsecret_status_condition', externalSecret, 'True'),
      atThreshold: readyCondition('externalsecret_status_condition', externalSecret, 'False'),
      holdsFromMinute: 0,
      alertLabels: { namespace: externalSecret.namespace, name: externalSecret.name },
      value: 1,
    },
    ClusterSecretStoreNotReady: {
      justBelow: readyCondition('clustersecretstore_status_condition', store, 'True'),
      atThreshold: readyCondition('clustersecretstore_status_condition', store, 'False'),
      holdsFromMinute: 0,
      alertLabels: { name: store.name },
      value: 1,
    },
    KarpenterPodsUnschedulable: unschedulableCases(definitionOf(definitions, 'KarpenterPodsUnschedulable')),
    KarpenterNodeRegistrationUnhealthy: gaugeScenario('operator_nodepool_status_condition_count', registration, { quiet: 0, firing: 1 }, { name: registration.name }),
    KarpenterNodePoolNearLimit: aroundThreshold(nodePoolUsage, { holdsFromMinute: 0, alertLabels: { nodepool: limit.nodepool, resource_type: limit.resource_type } }),
    KarpenterInterruptionQueueStalled: { justBelow: interruptionPolls(1), atThreshold: interruptionPolls(0), holdsFromMinute: 1, alertLabels: { job: karpenter.job }, value: 0 },
    FluentBitDroppingLogs: {
      justBelow: [series('fluentbit_output_dropped_records_total', FLUENT_BIT, gauge(0))],
      atThreshold: [series('fluentbit_output_dropped_records_total', FLUENT_BIT, counter(dropsPerMinute))],
      holdsFromMinute: 1,
      alertLabels: { namespace: FLUENT_BIT.namespace!, pod: FLUENT_BIT.pod!, name: FLUENT_BIT.name! },
      value: dropsPerMinute * 5,
    },
    LokiRejectingPushes: aroundThreshold((side) => pushes(nudge(T.lokiPushRejectedRatio, side)), { holdsFromMinute: 1, alertLabels: { job: loki.job } }),
    LokiNotReady: { justBelow: lokiReplicas(1), atThreshold: lokiReplicas(0), holdsFromMinute: 0, alertLabels: lokiStatefulSet, value: 0 },
  };
}
