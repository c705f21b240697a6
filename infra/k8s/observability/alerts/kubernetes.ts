import { CLUSTER_SCRAPE_TARGETS } from '../cluster-scrape-targets';
import type { AlertDefinition } from './alert';
import { PLATFORM_ALERT_THRESHOLDS as T, asPercent as percent } from './platform-thresholds';

const KSM = `job="${CLUSTER_SCRAPE_TARGETS.kubeStateMetrics.job}"`;
const KUBELET = `job="${CLUSTER_SCRAPE_TARGETS.kubelet.job}"`;
const NODE = `job="${CLUSTER_SCRAPE_TARGETS.nodeExporter.job}"`;

/** Workloads, from kube-state-metrics and the kubelets' cAdvisor: whatever runs in the cluster, platform add-ons included. */
export function kubernetesWorkloadAlerts(): AlertDefinition[] {
  const cadvisor = `${KUBELET},metrics_path="/metrics/cadvisor",container!=""`;
  const byContainer = 'sum by (namespace, pod, container)';
  return [
    {
      alert: 'KubePodCrashLooping',
      expr: `max_over_time(kube_pod_container_status_waiting_reason{${KSM},reason="CrashLoopBackOff"}[5m]) >= 1`,
      for: '15m',
      severity: 'warning',
      summary: 'A container keeps crashing.',
      description: 'Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for 15 minutes.',
    },
    {
      alert: 'KubeHpaMaxedOut',
      expr: `kube_horizontalpodautoscaler_status_current_replicas{${KSM}} == kube_horizontalpodautoscaler_spec_max_replicas{${KSM}}`,
      for: '15m',
      severity: 'warning',
      summary: 'An autoscaler is stuck at its maximum.',
      description: 'HorizontalPodAutoscaler {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has run at its maximum of {{ $value }} replicas for 15 minutes; more load cannot be absorbed.',
    },
    {
      alert: 'KubePdbViolated',
      expr: `kube_poddisruptionbudget_status_current_healthy{${KSM}} < kube_poddisruptionbudget_status_desired_healthy{${KSM}}`,
      for: '15m',
      severity: 'warning',
      summary: 'A disruption budget has fewer healthy pods than it requires.',
      description: 'PodDisruptionBudget {{ $labels.namespace }}/{{ $labels.poddisruptionbudget }} has had only {{ $value }} healthy pods, fewer than it requires, for 15 minutes: node drains are blocked and one more failure eats into its minimum.',
    },
    {
      alert: 'CPUThrottlingHigh',
      expr: `${byContainer} (increase(container_cpu_cfs_throttled_periods_total{${cadvisor}}[5m])) / ${byContainer} (increase(container_cpu_cfs_periods_total{${cadvisor}}[5m])) > ${T.cpuThrottledRatio}`,
      for: '15m',
      severity: 'warning',
      summary: 'A container is throttled at its CPU limit.',
      description: `Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} was throttled in {{ $value | humanizePercentage }} of its CPU periods (threshold ${percent(T.cpuThrottledRatio)}): its latency suffers before its CPU use looks high.`,
    },
  ];
}

/** Storage: persistent volumes from the kubelets' volume statistics, node filesystems from node-exporter. */
export function kubernetesStorageAlerts(): AlertDefinition[] {
  const volumes = `${KUBELET},metrics_path="/metrics"`;
  const free = `kubelet_volume_stats_available_bytes{${volumes}} / kubelet_volume_stats_capacity_bytes{${volumes}}`;
  const description = (ratio: number) =>
    `Volume claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has {{ $value | humanizePercentage }} of its space free (threshold ${percent(ratio)}).`;
  const filesystems = `${NODE},fstype!=""`;
  return [
    {
      alert: 'KubePersistentVolumeFillingUp',
      expr: `${free} < ${T.volumeFreeWarningRatio}`,
      for: '15m',
      severity: 'warning',
      summary: 'A persistent volume is filling up.',
      description: description(T.volumeFreeWarningRatio),
    },
    {
      alert: 'KubePersistentVolumeFull',
      expr: `${free} < ${T.volumeFreeCriticalRatio}`,
      for: '1m',
      severity: 'critical',
      summary: 'A persistent volume is about to be full.',
      description: description(T.volumeFreeCriticalRatio),
    },
    {
      alert: 'NodeFilesystemAlmostFull',
      expr: `node_filesystem_avail_bytes{${filesystems}} / node_filesystem_size_bytes{${filesystems}} < ${T.nodeFilesystemFreeRatio}`,
      for: '15m',
      severity: 'warning',
      summary: 'A node filesystem is almost full.',
      description: `Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} has {{ $value | humanizePercentage }} of its space free (threshold ${percent(T.nodeFilesystemFreeRatio)}); images, logs and emptyDir volumes live there.`,
    },
  ];
}
