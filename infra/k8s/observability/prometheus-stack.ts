import { Construct } from 'constructs';
import { Alertmanager } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Alertmanager';
import { Prometheus } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Prometheus';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { addObject } from '../api-object';
import { PART_OF, appLabels, versionedLabels } from '../labels';
import { ALERTMANAGER, PROMETHEUS } from '../platform-names';
import { RESTRICTED_POD_SECURITY_CONTEXT } from '../pod-security';

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

    addObject(this, 'service-account', new ServiceAccount({ metadata: { name: PROMETHEUS.name, namespace, labels: { ...prometheusLabels } } }));
    addObject(
      this,
      'alertmanager-service-account',
      new ServiceAccount({ metadata: { name: ALERTMANAGER.name, namespace, labels: { ...alertmanagerLabels } }, automountServiceAccountToken: false }),
    );
    addObject(
      this,
      'cluster-role',
      new ClusterRole({
        metadata: { name: `uag-${PROMETHEUS.name}`, labels: { ...prometheusLabels } },
        rules: [
          { apiGroups: [''], resources: ['services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
          { nonResourceURLs: ['/metrics'], verbs: ['get'] },
        ],
      }),
    );
    addObject(
      this,
      'cluster-role-binding',
      new ClusterRoleBinding({
        metadata: { name: `uag-${PROMETHEUS.name}`, labels: { ...prometheusLabels } },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `uag-${PROMETHEUS.name}` },
        subjects: [{ kind: 'ServiceAccount', name: PROMETHEUS.name, namespace }],
      }),
    );
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
          securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
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
          securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
        },
      }),
    );
    const budgets = [
      { labels: prometheusLabels, replicas: props.prometheusReplicas ?? 1 },
      { labels: alertmanagerLabels, replicas: props.alertmanagerReplicas ?? 1 },
    ];
    for (const { labels, replicas } of budgets.filter((b) => b.replicas > 1)) {
      const name = labels['app.kubernetes.io/name']!;
      addObject(
        this,
        `${name}-pdb`,
        new PodDisruptionBudget({
          metadata: { name, namespace, labels: { ...labels } },
          spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': name } } },
        }),
      );
    }
  }
}
