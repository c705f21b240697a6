import { Construct } from 'constructs';
import { Alertmanager } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Alertmanager';
import { Prometheus } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Prometheus';
import { addObject } from '../api-object';
import * as kplus from '../cdk8s-plus';
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import type { PrometheusStorageSpec } from '../../environments/types';
import { clusterIpService } from '../cluster-ip-service';
import { PART_OF, appLabels, versionedLabels } from '../labels';
import { ALERTMANAGER, MONITOR_SELECTOR, PROMETHEUS, serviceHost } from '../platform-names';
import { quantityToBytes } from '../quantity';
import { CONTROL_PATH_SPREAD, topologySpreadConstraints } from '../topology-spread';
import { OPERATOR_POD_SECURITY_CONTEXT } from '../pod-security';

/** Pinned images: the operator would otherwise pick its own default versions. */
export const PROMETHEUS_VERSION = 'v3.1.0';
export const ALERTMANAGER_VERSION = 'v0.28.1';

/** Label that PrometheusRules and AlertmanagerConfigs carry to be picked up. */
export const PLATFORM_SELECTOR = { 'app.kubernetes.io/part-of': PART_OF } as const;


/** Share of its storage the TSDB may fill before Prometheus deletes the oldest blocks: the rest is compaction's headroom. */
const RETENTION_SIZE_SHARE = 0.8;

export interface PrometheusStackProps {
  readonly namespace: string;
  /** @default 1 */
  readonly prometheusReplicas?: number;
  /** @default '7d' */
  readonly retention?: string;
  /** Where each replica keeps its TSDB. @default { type: 'emptyDir', sizeLimit: '5Gi' } */
  readonly storage?: PrometheusStorageSpec;
  /** StorageClass of persistent storage's claims. @default none: the cluster's default class */
  readonly storageClassName?: string;
  /** @default 1 */
  readonly alertmanagerReplicas?: number;
}

/**
 * `--storage.tsdb.retention.size` for a TSDB on `quantity` of storage, in Prometheus's MB (which
 * it counts in powers of two, like Kubernetes' Mi).
 */
export function retentionSizeFor(quantity: string): string {
  return `${Math.floor((quantityToBytes(quantity) * RETENTION_SIZE_SHARE) / 2 ** 20)}MB`;
}

/**
 * Prometheus and Alertmanager instances run by prometheus-operator (installed with its CRDs as a
 * cluster add-on), with the service account and read-only RBAC Prometheus needs for discovery,
 * a disruption budget for each that runs more than one replica (the operator makes none), and
 * replicas kept on separate nodes.
 *
 * Readers query Prometheus through the `prometheus` Service and its DestinationRule, which keep each
 * client on one replica: the replicas scrape independently, so their samples differ slightly and a
 * client switching between them would see series jump back and forth (and a restarted replica's
 * gap). The operator's own `prometheus-operated` is headless: DNS would hand out the pods in turn.
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
    // The kubelet authorizes /metrics, /metrics/cadvisor and /metrics/probes as nodes/metrics.
    discovery.allowGet(kplus.ApiResource.custom({ apiGroup: '', resourceType: 'nodes/metrics' }));
    new kplus.ClusterRoleBinding(this, 'cluster-role-binding', {
      metadata: { name: `uag-${PROMETHEUS.name}`, labels: { ...prometheusLabels } },
      role: discovery,
    }).addSubjects(prometheusAccount);
    const storage = props.storage ?? { type: 'emptyDir', sizeLimit: '5Gi' };
    const prometheusPods = { 'app.kubernetes.io/name': PROMETHEUS.name };
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
          retentionSize: retentionSizeFor(storage.type === 'emptyDir' ? storage.sizeLimit : storage.volumeSize),
          storage:
            storage.type === 'emptyDir'
              ? { emptyDir: { sizeLimit: storage.sizeLimit } }
              : {
                  volumeClaimTemplate: {
                    spec: {
                      accessModes: ['ReadWriteOnce'],
                      resources: { requests: { storage: storage.volumeSize } },
                      ...(props.storageClassName === undefined ? {} : { storageClassName: props.storageClassName }),
                    },
                  },
                },
          // The replicas' anti-affinity, as topology spread: never two on one node while another
          // node has fewer, which unlike a required anti-affinity still schedules on one node.
          topologySpreadConstraints: topologySpreadConstraints(CONTROL_PATH_SPREAD, prometheusPods),
          serviceAccountName: PROMETHEUS.name,
          podMetadata: { labels: { ...prometheusWorkloadLabels } },
          serviceMonitorSelector: { matchLabels: { ...MONITOR_SELECTOR } },
          serviceMonitorNamespaceSelector: {},
          podMonitorSelector: { matchLabels: { ...MONITOR_SELECTOR } },
          podMonitorNamespaceSelector: {},
          ruleSelector: { matchLabels: { ...PLATFORM_SELECTOR } },
          ruleNamespaceSelector: {},
          alerting: { alertmanagers: [{ namespace, name: `${ALERTMANAGER.name}-operated`, port: 'web' }] },
          // Sized for the cluster's own series too (kubelet/cAdvisor, kube-state-metrics, every proxy's Envoy).
          resources: { requests: { cpu: '250m', memory: '1024Mi' }, limits: { memory: '2048Mi' } },
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
          topologySpreadConstraints: topologySpreadConstraints(CONTROL_PATH_SPREAD, { 'app.kubernetes.io/name': ALERTMANAGER.name }),
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
          securityContext: OPERATOR_POD_SECURITY_CONTEXT,
        },
      }),
    );
    // The operator's alertmanager-operated is not synthesized here; this one is, so Alertmanager's
    // ServiceMonitor, and the `job="alertmanager"` its series get, are checked with the rest.
    clusterIpService(this, 'alertmanager-service', {
      name: ALERTMANAGER.name,
      namespace,
      labels: alertmanagerLabels,
      selector: { 'app.kubernetes.io/name': ALERTMANAGER.name },
      ports: [{ name: 'web', port: ALERTMANAGER.port, appProtocol: 'http' }],
    });
    clusterIpService(this, 'query-service', {
      name: PROMETHEUS.name,
      namespace,
      labels: prometheusLabels,
      selector: prometheusPods,
      ports: [{ name: 'web', port: PROMETHEUS.port, appProtocol: 'http' }],
      sessionAffinity: 'ClientIP',
    });
    addObject(
      this,
      'query-affinity',
      new DestinationRule({
        metadata: { name: PROMETHEUS.name, namespace, labels: { ...prometheusLabels } },
        // Every reader has a sidecar, which picks the endpoint itself and ignores sessionAffinity:
        // hashing the caller's address keeps each caller on one replica while it is there.
        spec: { host: serviceHost(PROMETHEUS.name, namespace), trafficPolicy: { loadBalancer: { consistentHash: { useSourceIp: true } } } },
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
