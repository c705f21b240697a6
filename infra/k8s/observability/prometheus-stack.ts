import { Construct } from 'constructs';
import { Alertmanager } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Alertmanager';
import { Prometheus } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Prometheus';
import { addObject } from '../api-object';
import * as kplus from '../cdk8s-plus';
import { PART_OF, appLabels, versionedLabels } from '../labels';
import { ALERTMANAGER, PROMETHEUS } from '../platform-names';
import { OPERATOR_POD_SECURITY_CONTEXT } from '../pod-security';

/** Pinned images: the operator would otherwise pick its own default versions. */
export const PROMETHEUS_VERSION = 'v3.1.0';
export const ALERTMANAGER_VERSION = 'v0.28.1';

/** Label that ServiceMonitors, PrometheusRules and AlertmanagerConfigs carry to be picked up. */
export const PLATFORM_SELECTOR = { 'app.kubernetes.io/part-of': PART_OF } as const;

export interface PrometheusStackProps {
  readonly namespace: string;
  /** @default 1 */
  readonly prometheusReplicas?: number;
  /** @default '7d' */
  readonly retention?: string;
  /** @default 1 */
  readonly alertmanagerReplicas?: number;
}

/**
 * Prometheus and Alertmanager instances run by prometheus-operator (installed with its CRDs as a
 * cluster add-on), with the service account and read-only RBAC Prometheus needs for discovery,
 * and a disruption budget for each that runs more than one replica (the operator makes none).
 */
export class PrometheusStack extends Construct {
  constructor(scope: Construct, id: string, props: PrometheusStackProps) {
    super(scope, id);
    const { namespace } = props;
    const prometheusLabels = appLabels({ name: PROMETHEUS.name, component: 'monitoring' });
    const alertmanagerLabels = appLabels({ name: ALERTMANAGER.name, component: 'alerting' });
    // The Prometheus and Alertmanager objects are the workloads: only they and their pods carry the version.
    const prometheusWorkloadLabels = versionedLabels(prometheusLabels, PROMETHEUS_VERSION);
    const alertmanagerWorkloadLabels = versionedLabels(alertmanagerLabels, ALERTMANAGER_VERSION);

    // Prometheus discovers its targets through the API; Alertmanager never calls it.
    const prometheusAccount = new kplus.ServiceAccount(this, 'service-account', {
      metadata: { name: PROMETHEUS.name, namespace, labels: { ...prometheusLabels } },
      automountToken: true,
    });
    new kplus.ServiceAccount(this, 'alertmanager-service-account', {
      metadata: { name: ALERTMANAGER.name, namespace, labels: { ...alertmanagerLabels } },
      automountToken: false,
    });
    const discovery = new kplus.ClusterRole(this, 'cluster-role', { metadata: { name: `uag-${PROMETHEUS.name}`, labels: { ...prometheusLabels } } });
    discovery.allowRead(kplus.ApiResource.SERVICES, kplus.ApiResource.ENDPOINTS, kplus.ApiResource.PODS, kplus.ApiResource.ENDPOINT_SLICES);
    discovery.allowGet(kplus.NonApiResource.of('/metrics'));
    new kplus.ClusterRoleBinding(this, 'cluster-role-binding', {
      metadata: { name: `uag-${PROMETHEUS.name}`, labels: { ...prometheusLabels } },
      role: discovery,
    }).addSubjects(prometheusAccount);
    addObject(
      this,
      'prometheus',
      new Prometheus({
        metadata: { name: PROMETHEUS.name, namespace, labels: { ...prometheusWorkloadLabels } },
        spec: {
          image: `quay.io/prometheus/prometheus:${PROMETHEUS_VERSION}`,
          version: PROMETHEUS_VERSION,
          replicas: props.prometheusReplicas ?? 1,
          retention: props.retention ?? '7d',
          serviceAccountName: PROMETHEUS.name,
          podMetadata: { labels: { ...prometheusWorkloadLabels } },
          serviceMonitorSelector: { matchLabels: { ...PLATFORM_SELECTOR } },
          serviceMonitorNamespaceSelector: {},
          ruleSelector: { matchLabels: { ...PLATFORM_SELECTOR } },
          ruleNamespaceSelector: {},
          alerting: { alertmanagers: [{ namespace, name: `${ALERTMANAGER.name}-operated`, port: 'web' }] },
          resources: { requests: { cpu: '200m', memory: '512Mi' }, limits: { memory: '1Gi' } },
          securityContext: OPERATOR_POD_SECURITY_CONTEXT,
        },
      }),
    );
    addObject(
      this,
      'alertmanager',
      new Alertmanager({
        metadata: { name: ALERTMANAGER.name, namespace, labels: { ...alertmanagerWorkloadLabels } },
        spec: {
          image: `quay.io/prometheus/alertmanager:${ALERTMANAGER_VERSION}`,
          version: ALERTMANAGER_VERSION,
          replicas: props.alertmanagerReplicas ?? 1,
          serviceAccountName: ALERTMANAGER.name,
          podMetadata: { labels: { ...alertmanagerWorkloadLabels } },
          alertmanagerConfigSelector: { matchLabels: { ...PLATFORM_SELECTOR } },
          // Gateway alerts carry the gateway's namespace label; the default strategy would only
          // route alerts from this namespace.
          alertmanagerConfigMatcherStrategy: { type: 'None' },
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
          securityContext: OPERATOR_POD_SECURITY_CONTEXT,
        },
      }),
    );
    const budgets = [
      { labels: prometheusLabels, replicas: props.prometheusReplicas ?? 1 },
      { labels: alertmanagerLabels, replicas: props.alertmanagerReplicas ?? 1 },
    ];
    for (const { labels, replicas } of budgets.filter((b) => b.replicas > 1)) {
      const name = labels['app.kubernetes.io/name']!;
      // cdk8s-plus has no PodDisruptionBudget construct: its generated L1 class.
      new kplus.k8s.KubePodDisruptionBudget(this, `${name}-pdb`, {
        metadata: { name, namespace, labels: { ...labels } },
        spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: { 'app.kubernetes.io/name': name } } },
      });
    }
  }
}
