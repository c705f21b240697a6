import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication';
import { addObject } from '../api-object';
import * as kplus from '../cdk8s-plus';
import { DNS_EGRESS, ISTIOD_EGRESS, allowTraffic } from '../network-traffic';
import { NAMESPACES, PROMETHEUS, prometheusUrl } from '../platform-names';
import { SingleContainerApp } from '../single-container-app';

export const PROMETHEUS_ADAPTER_VERSION = 'v0.12.0';
export const PROMETHEUS_ADAPTER_NAME = 'prometheus-adapter';
const SECURE_PORT = 6443;
const CONFIG_PATH = '/etc/adapter';

export interface PrometheusAdapterProps {
  readonly namespace: string;
  /** ConfigMap holding the adapter's `config.yaml` rules. */
  readonly rulesConfigMapName: string;
  /**
   * Adapter pods. The HPA's custom metrics come through them: with one, a node drain or loss
   * stops the gateway's request-rate scaling until it is back. @default 1
   */
  readonly replicas?: number;
}

/**
 * prometheus-adapter serving `custom.metrics.k8s.io` from Prometheus, so the HPA can scale on
 * the gateway's request rate: the adapter itself, its RBAC, the APIService registration, and the
 * network and mesh openings the API server needs to reach it (the API server is outside the mesh,
 * so its port accepts plain TLS).
 */
export class PrometheusAdapter extends Construct {
  readonly app: SingleContainerApp;

  constructor(scope: Construct, id: string, props: PrometheusAdapterProps) {
    super(scope, id);
    const { namespace } = props;
    this.app = new SingleContainerApp(this, 'app', {
      namespace,
      name: PROMETHEUS_ADAPTER_NAME,
      component: 'metrics-adapter',
      imageRepository: 'registry.k8s.io/prometheus-adapter/prometheus-adapter',
      version: PROMETHEUS_ADAPTER_VERSION,
      kubernetesApiAccess: true,
      replicas: props.replicas,
      args: [
        '--cert-dir=/tmp/cert',
        `--config=${CONFIG_PATH}/config.yaml`,
        '--metrics-relist-interval=1m',
        `--prometheus-url=${prometheusUrl(namespace)}/`,
        `--secure-port=${SECURE_PORT}`,
      ],
      ports: [{ name: 'https', port: SECURE_PORT }],
      health: { port: 'https', path: '/readyz', scheme: 'HTTPS' },
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
      volumeMounts: [
        {
          path: CONFIG_PATH,
          readOnly: true,
          volume: kplus.Volume.fromConfigMap(this, 'config-volume', kplus.ConfigMap.fromConfigMapName(this, 'rules', props.rulesConfigMapName), { name: 'config' }),
        },
        { path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, 'tmp-volume', 'tmp', { sizeLimit: Size.mebibytes(16) }) },
      ],
    });
    const labels = { ...this.app.labels };
    const adapter = this.app.serviceAccount;

    const resourceReader = new kplus.ClusterRole(this, 'resource-reader-role', { metadata: { name: `uag-${PROMETHEUS_ADAPTER_NAME}-resource-reader`, labels } });
    resourceReader.allowRead(kplus.ApiResource.NAMESPACES, kplus.ApiResource.PODS, kplus.ApiResource.SERVICES);
    const clusterBinding = (bindingId: string, role: kplus.IClusterRole, subject: kplus.ISubject, name = `uag-${PROMETHEUS_ADAPTER_NAME}-${bindingId}`) =>
      new kplus.ClusterRoleBinding(this, bindingId, { metadata: { name, labels }, role }).addSubjects(subject);
    clusterBinding('resource-reader', resourceReader, adapter);
    // Lets the adapter check the callers' credentials, as every aggregated API server must.
    clusterBinding('auth-delegator', kplus.ClusterRole.fromClusterRoleName(this, 'auth-delegator-role', 'system:auth-delegator'), adapter);
    new kplus.RoleBinding(this, 'auth-reader', {
      metadata: { name: `uag-${PROMETHEUS_ADAPTER_NAME}-auth-reader`, namespace: NAMESPACES.dns, labels },
      role: kplus.Role.fromRoleName(this, 'auth-reader-role', 'extension-apiserver-authentication-reader'),
    }).addSubjects(adapter);
    const customMetricsReader = new kplus.ClusterRole(this, 'custom-metrics-reader', { metadata: { name: 'uag-custom-metrics-reader', labels } });
    customMetricsReader.allowRead(kplus.ApiResource.custom({ apiGroup: 'custom.metrics.k8s.io', resourceType: '*' }));
    clusterBinding(
      'hpa-custom-metrics',
      customMetricsReader,
      kplus.ServiceAccount.fromServiceAccountName(this, 'hpa-controller', 'horizontal-pod-autoscaler', { namespaceName: NAMESPACES.dns }),
      'uag-hpa-custom-metrics',
    );
    // cdk8s-plus has no APIService construct: its generated L1 class.
    new kplus.k8s.KubeApiService(this, 'api-service', {
      metadata: { name: 'v1beta1.custom.metrics.k8s.io', labels },
      spec: {
        service: { name: PROMETHEUS_ADAPTER_NAME, namespace, port: SECURE_PORT },
        group: 'custom.metrics.k8s.io',
        version: 'v1beta1',
        // The adapter serves a self-signed certificate from --cert-dir.
        insecureSkipTlsVerify: true,
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
    });

    const selector = { matchLabels: { ...this.app.selector } };
    addObject(
      this,
      'api-server-port',
      new PeerAuthentication({
        metadata: { name: `${PROMETHEUS_ADAPTER_NAME}-api-server-port`, namespace, labels },
        spec: { selector, mtls: { mode: 'STRICT' }, portLevelMtls: { [String(SECURE_PORT)]: { mode: 'PERMISSIVE' } } },
      }),
    );
    addObject(
      this,
      'allow-api-server',
      new AuthorizationPolicy({
        metadata: { name: `${PROMETHEUS_ADAPTER_NAME}-allow-api-server`, namespace, labels },
        spec: { selector, action: 'ALLOW', rules: [{ to: [{ operation: { ports: [String(SECURE_PORT)] } }] }] },
      }),
    );
    // The API server has no fixed pod or namespace to name, hence any source on the secure port.
    allowTraffic(this, 'network', {
      namespace,
      name: `${PROMETHEUS_ADAPTER_NAME}-allow`,
      podSelector: this.app.selector,
      ingress: [{ peers: [{ cidr: '0.0.0.0/0' }], ports: [{ port: SECURE_PORT }] }],
      egress: [
        DNS_EGRESS,
        ISTIOD_EGRESS,
        { peers: [{ namespace, pods: { 'app.kubernetes.io/name': PROMETHEUS.name } }], ports: [{ port: PROMETHEUS.port }] },
        { peers: [{ cidr: '0.0.0.0/0' }], ports: [{ port: 443 }, { port: 6443 }] },
      ],
    });
  }
}
