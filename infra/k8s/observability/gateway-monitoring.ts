import { Construct } from 'constructs';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { ADMIN_PATHS, PORT_NAMES } from '../../../app/src/contract';
import type { AlertThresholds, ComputeResources, SloSpec } from '../../environments/types';
import { addObject } from '../api-object';
import type { GatewayWorkload } from '../gateway-workload';
import { MONITOR_SELECTOR } from '../platform-names';
import { alertGroups, groupRules } from './alerts';

/**
 * Target label carrying the scraped pod's `rollouts-pod-template-hash`, which Argo Rollouts puts on
 * every pod of a ReplicaSet. The rollout analysis selects the canary's series with it.
 */
export const ROLLOUT_HASH_LABEL = 'rollouts_pod_template_hash';

export interface GatewayMonitoringProps {
  readonly workload: GatewayWorkload;
  /** Service exposing the admin port; Prometheus names the job after it. */
  readonly adminServiceName: string;
  readonly thresholds: AlertThresholds;
  /** The objectives the error-budget alerts watch. */
  readonly slo: SloSpec;
  /** The gateway container's resources; saturation alerts compare usage with the limits. */
  readonly resources: ComputeResources;
  /** @default '15s' */
  readonly scrapeInterval?: string;
}

/**
 * PromQL label matchers for the gateway's scrape targets: prometheus-operator names the job after
 * the scraped Service and labels targets with its namespace.
 */
export function gatewayTargetSelector(adminServiceName: string, namespace: string): string {
  return `job="${adminServiceName}",namespace="${namespace}"`;
}

/** How Prometheus watches the gateway: the ServiceMonitor scraping its admin port, and the alert rules. */
export class GatewayMonitoring extends Construct {
  /** PromQL label matchers for the gateway's scrape targets. */
  readonly selector: string;

  constructor(scope: Construct, id: string, props: GatewayMonitoringProps) {
    super(scope, id);
    const { workload } = props;
    this.selector = gatewayTargetSelector(props.adminServiceName, workload.namespace);
    const metadata = (name: string) => ({ name, namespace: workload.namespace, labels: { ...workload.labels } });

    addObject(
      this,
      'service-monitor',
      new ServiceMonitor({
        metadata: { ...metadata(workload.name), labels: { ...workload.labels, ...MONITOR_SELECTOR } },
        spec: {
          selector: { matchLabels: { ...workload.selector } },
          endpoints: [
            {
              port: PORT_NAMES.admin,
              path: ADMIN_PATHS.metrics,
              interval: props.scrapeInterval ?? '15s',
              scheme: 'http',
              relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_rollouts_pod_template_hash'], targetLabel: ROLLOUT_HASH_LABEL }],
            },
          ],
        },
      }),
    );
    const groups = alertGroups({ selector: this.selector, namespace: workload.namespace, thresholds: props.thresholds, slo: props.slo, resources: props.resources });
    addObject(
      this,
      'rules',
      new PrometheusRule({
        metadata: metadata(`${workload.name}-alerts`),
        spec: { groups: groups.map((group) => ({ name: group.name, rules: groupRules(group) })) },
      }),
    );
  }
}
