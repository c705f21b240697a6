import type { AlertContext, AlertDefinition } from './alert';
import { certificateAlerts } from './certificates';
import { kubernetesStorageAlerts, kubernetesWorkloadAlerts } from './kubernetes';
import { logPipelineAlerts } from './log-pipeline';
import { monitoringPipelineAlerts } from './monitoring-pipeline';
import { nodeAutoscalingAlerts } from './node-autoscaling';
import { secretsSyncAlerts } from './secrets-sync';

/**
 * Alert groups on the platform itself rather than the gateway: the cluster's workloads and storage,
 * the monitoring pipeline, the certificates cert-manager keeps, the Secrets External Secrets
 * Operator keeps, the nodes Karpenter adds, and the log pipeline.
 */
export function platformAlertGroups(context: AlertContext): { name: string; alerts: AlertDefinition[] }[] {
  return [
    { name: 'kubernetes-workloads', alerts: kubernetesWorkloadAlerts() },
    { name: 'kubernetes-storage', alerts: kubernetesStorageAlerts() },
    { name: 'monitoring-pipeline', alerts: monitoringPipelineAlerts(context) },
    { name: 'certificates', alerts: certificateAlerts() },
    { name: 'secrets-sync', alerts: secretsSyncAlerts() },
    { name: 'node-autoscaling', alerts: nodeAutoscalingAlerts() },
    { name: 'log-pipeline', alerts: logPipelineAlerts() },
  ];
}
