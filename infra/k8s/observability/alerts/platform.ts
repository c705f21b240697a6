import type { AlertContext, AlertDefinition } from './alert';
import { certificateAlerts } from './certificates';
import { kubernetesStorageAlerts, kubernetesWorkloadAlerts } from './kubernetes';
import { monitoringPipelineAlerts } from './monitoring-pipeline';

/** Alert groups on the platform itself rather than the gateway: the cluster's workloads and storage, the monitoring pipeline, and the certificates cert-manager keeps. */
export function platformAlertGroups(context: AlertContext): { name: string; alerts: AlertDefinition[] }[] {
  return [
    { name: 'kubernetes-workloads', alerts: kubernetesWorkloadAlerts() },
    { name: 'kubernetes-storage', alerts: kubernetesStorageAlerts() },
    { name: 'monitoring-pipeline', alerts: monitoringPipelineAlerts(context) },
    { name: 'certificates', alerts: certificateAlerts() },
  ];
}
