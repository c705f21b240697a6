import { Construct } from 'constructs';
import { APIService } from 'kubernetes-models/apiregistration.k8s.io/v1/APIService';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication';
import { addObject } from '../api-object';
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
      volumes: [
        { volume: { name: 'config', configMap: { name: props.rulesConfigMapName } }, mount: { name: 'config', mountPath: CONFIG_PATH, readOnly: true } },
        { volume: { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }, mount: { name: 'tmp', mountPath: '/tmp' } },
      ],
    });
    const labels = { ...this.app.labels };
    const subject = { kind: 'ServiceAccount', name: PROMETHEUS_ADAPTER_NAME, namespace };

    addObject(
      this,
      'resource-reader-role',
      new ClusterRole({
        metadata: { name: `uag-${PROMETHEUS_ADAPTER_NAME}-resource-reader`, labels },
        rules: [{ apiGroups: [''], resources: ['namespaces', 'pods', 'services'], verbs: ['get', 'list', 'watch'] }],
      }),
    );
    const clusterBinding = (bindingId: string, role: string) =>
      addObject(
        this,
        bindingId,
        new ClusterRoleBinding({
          metadata: { name: `uag-${PROMETHEUS_ADAPTER_NAME}-${bindingId}`, labels },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
          subjects: [subject],
        }),
      );
    clusterBinding('resource-reader', `uag-${PROMETHEUS_ADAPTER_NAME}-resource-reader`);
    // Lets the adapter check the callers' credentials, as every aggregated API server must.
    clusterBinding('auth-delegator', 'system:auth-delegator');
    addObject(
      this,
      'auth-reader',
      new RoleBinding({
        metadata: { name: `uag-${PROMETHEUS_ADAPTER_NAME}-auth-reader`, namespace: NAMESPACES.dns, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' },
        subjects: [subject],
      }),
    );
    addObject(
      this,
      'custom-metrics-reader',
      new ClusterRole({
        metadata: { name: 'uag-custom-metrics-reader', labels },
        rules: [{ apiGroups: ['custom.metrics.k8s.io'], resources: ['*'], verbs: ['get', 'list', 'watch'] }],
      }),
    );
    addObject(
      this,
      'hpa-custom-metrics',
      new ClusterRoleBinding({
        metadata: { name: 'uag-hpa-custom-metrics', labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'uag-custom-metrics-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'horizontal-pod-autoscaler', namespace: NAMESPACES.dns }],
      }),
    );
    addObject(
      this,
      'api-service',
      new APIService({
        metadata: { name: 'v1beta1.custom.metrics.k8s.io', labels },
        spec: {
          service: { name: PROMETHEUS_ADAPTER_NAME, namespace, port: SECURE_PORT },
          group: 'custom.metrics.k8s.io',
          version: 'v1beta1',
          // The adapter serves a self-signed certificate from --cert-dir.
          insecureSkipTLSVerify: true,
          groupPriorityMinimum: 100,
          versionPriority: 100,
        },
      }),
    );

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
