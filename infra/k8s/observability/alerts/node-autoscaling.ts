import { CLUSTER_SCRAPE_TARGETS } from '../cluster-scrape-targets';
import type { AlertDefinition } from './alert';
import { PLATFORM_ALERT_THRESHOLDS as T, asPercent } from './platform-thresholds';

const CONTROLLER = `job="${CLUSTER_SCRAPE_TARGETS.karpenter.job}"`;
const KSM = `job="${CLUSTER_SCRAPE_TARGETS.kubeStateMetrics.job}"`;

/**
 * Karpenter adding nodes, from its controller's series (kubernetes-sigs/karpenter at the commit
 * karpenter-provider-aws v1.14.1 pins, and the provider's own): pods no NodePool can hold
 * (pkg/controllers/provisioning/scheduling/metrics.go, set by the `provisioner` controller),
 * NodePools whose launches or registrations fail (the NodePool's `NodeRegistrationHealthy`
 * condition, which pkg/controllers/nodeclaim/lifecycle/liveness.go sets False after NodeClaims time
 * out, through operatorpkg's `operator_nodepool_status_condition_count`), NodePools near their
 * limits (pkg/controllers/metrics/nodepool/controller.go), and the provider's `interruption`
 * controller no longer completing a poll of its queue (controller-runtime v0.23.1's reconcile
 * counters). Only the leading replica runs these controllers, and controller-runtime creates a
 * controller's counters when it starts (pkg/internal/controller/controller.go, initMetrics), so the
 * standby exports none. On a stack without Karpenter (local) the series do not exist and nothing fires.
 */
export function nodeAutoscalingAlerts(): AlertDefinition[] {
  const interruption = `${CONTROLLER},controller="interruption"`;
  return [
    {
      alert: 'KarpenterPodsUnschedulable',
      // The provisioner sets the count only when it has pods to schedule (provisioner.go, Schedule),
      // so it keeps its last value once none is pending; the scheduler's own view says whether any still is.
      expr: `max by (job) (karpenter_scheduler_unschedulable_pods_count{${CONTROLLER},controller="provisioner"}) > 0 and on () count(kube_pod_status_unschedulable{${KSM}}) > 0`,
      for: '15m',
      severity: 'critical',
      summary: 'Pods are pending that Karpenter cannot place on any node it could launch.',
      description:
        "{{ $value }} pods have found no NodePool able to hold them for 15 minutes: a scale-out (an HPA past what the managed nodes hold) stays Pending. See the controller's log for the pods and the reason: a NodePool at its limits, requirements no instance type meets, or a NodePool or EC2NodeClass not ready.",
    },
    {
      alert: 'KarpenterNodeRegistrationUnhealthy',
      expr: `max by (name) (operator_nodepool_status_condition_count{${CONTROLLER},type="NodeRegistrationHealthy",status="False"}) > 0`,
      for: '10m',
      severity: 'warning',
      summary: 'Nodes Karpenter launches fail to launch or to join the cluster.',
      description:
        "NodePool {{ $labels.name }} has been marked NodeRegistrationHealthy=False for 10 minutes: its NodeClaims timed out launching (EC2 refusing the launch: IAM, quotas, the launch template) or registering (the node's access entry, its security group, the AMI). Its condition's reason and `kubectl get nodeclaims` say which.",
    },
    {
      alert: 'KarpenterNodePoolNearLimit',
      expr: `max by (nodepool, resource_type) (karpenter_nodepools_usage{${CONTROLLER}} / karpenter_nodepools_limit{${CONTROLLER}}) > ${T.nodePoolLimitRatio}`,
      for: '15m',
      severity: 'warning',
      summary: 'A NodePool is close to its resource limit.',
      description: `NodePool {{ $labels.nodepool }} uses {{ $value | humanizePercentage }} of its {{ $labels.resource_type }} limit (threshold ${asPercent(T.nodePoolLimitRatio)}): the next scale-out may find no room. Raise the environment's nodeAutoscaling limits (infra/pulumi/cloud-environments.ts) or find what grew.`,
    },
    {
      alert: 'KarpenterInterruptionQueueStalled',
      // Each poll that reaches the queue ends in a requeue (interruption/controller.go); a failing
      // one ends in an error and backs off for up to 1000 s, so polls may stop altogether.
      expr: `sum by (job) (increase(controller_runtime_reconcile_total{${CONTROLLER},controller="interruption",result!="error"}[10m])) == 0`,
      for: '5m',
      severity: 'warning',
      summary: 'Karpenter no longer reads its interruption queue.',
      description:
        "Karpenter's interruption controller has not completed a poll of its SQS queue for 15 minutes: spot interruptions, rebalance recommendations and scheduled maintenance reach no one, so nodes vanish without a drain. See the controller's log: usually SQS refusing its role, or the queue deleted.",
    },
  ];
}
