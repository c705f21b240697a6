import { Construct } from 'constructs';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { stringify } from 'yaml';
import { addObject } from '../api-object';
import { CONFIG_CHECKSUM_ANNOTATION, configChecksum } from '../config-checksum';
import { GRAFANA, JAEGER, NAMESPACES, prometheusUrl, serviceHost } from '../platform-names';
import { SingleContainerApp } from '../single-container-app';
import { DATASOURCE_UIDS } from './dashboards/gateway-dashboard';

export const GRAFANA_VERSION = '11.6.0';
/** Secret (created out of band) with the admin password under `password`; referenced, never written. */
export const GRAFANA_ADMIN_SECRET = { name: 'grafana-admin', key: 'password' } as const;
const DASHBOARDS_PATH = '/var/lib/grafana/dashboards';

export interface GrafanaProps {
  readonly namespace: string;
  /** Dashboards by file name (`<uid>.json`), as built with the foundation SDK. */
  readonly dashboards: Readonly<Record<string, object>>;
}

/** Grafana with Prometheus and Jaeger datasources and the platform's dashboards provisioned from ConfigMaps. */
export class Grafana extends Construct {
  readonly app: SingleContainerApp;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    const { namespace } = props;
    const datasources = stringify({
      apiVersion: 1,
      datasources: [
        {
          name: 'Prometheus',
          uid: DATASOURCE_UIDS.prometheus,
          type: 'prometheus',
          access: 'proxy',
          url: prometheusUrl(namespace),
          isDefault: true,
        },
        { name: 'Jaeger', uid: DATASOURCE_UIDS.jaeger, type: 'jaeger', access: 'proxy', url: `http://${serviceHost(JAEGER.name, namespace)}:${JAEGER.queryPort}` },
      ],
    });
    const providers = stringify({
      apiVersion: 1,
      providers: [{ name: 'uag', folder: 'UAG', type: 'file', disableDeletion: true, allowUiUpdates: false, options: { path: DASHBOARDS_PATH } }],
    });
    const dashboards = Object.fromEntries(Object.entries(props.dashboards).map(([file, dashboard]) => [file, `${JSON.stringify(dashboard, null, 2)}\n`]));
    const configMaps: Record<string, Record<string, string>> = {
      datasources: { 'datasources.yaml': datasources },
      'dashboard-providers': { 'providers.yaml': providers },
      dashboards,
    };
    const configMapVolume = (id: string, mountPath: string) => ({
      volume: { name: id, configMap: { name: `${GRAFANA.name}-${id}` } },
      mount: { name: id, mountPath, readOnly: true },
    });

    this.app = new SingleContainerApp(this, 'app', {
      namespace,
      name: GRAFANA.name,
      component: 'dashboards',
      imageRepository: 'grafana/grafana',
      version: GRAFANA_VERSION,
      ports: [{ name: 'http', port: GRAFANA.port }],
      health: { port: 'http', path: '/api/health' },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      env: [
        { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { ...GRAFANA_ADMIN_SECRET } } },
        { name: 'GF_ANALYTICS_REPORTING_ENABLED', value: 'false' },
        { name: 'GF_LOG_MODE', value: 'console' },
      ],
      podAnnotations: { [CONFIG_CHECKSUM_ANNOTATION]: configChecksum(datasources, providers, ...Object.values(dashboards)) },
      volumes: [
        configMapVolume('datasources', '/etc/grafana/provisioning/datasources'),
        configMapVolume('dashboard-providers', '/etc/grafana/provisioning/dashboards'),
        configMapVolume('dashboards', DASHBOARDS_PATH),
        // Grafana writes its SQLite database and plugins here; dashboards come from ConfigMaps, so nothing is lost on restart.
        { volume: { name: 'data', emptyDir: { sizeLimit: '1Gi' } }, mount: { name: 'data', mountPath: '/var/lib/grafana' } },
        { volume: { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }, mount: { name: 'tmp', mountPath: '/tmp' } },
      ],
    });
    for (const [id, data] of Object.entries(configMaps)) {
      addObject(this, id, new ConfigMap({ metadata: { name: `${GRAFANA.name}-${id}`, namespace, labels: { ...this.app.labels } }, data }));
    }
  }
}
