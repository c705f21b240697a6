import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import * as kplus from '../cdk8s-plus';
import { CONFIG_CHECKSUM_ANNOTATION, configChecksum } from '../config-checksum';
import { GRAFANA, JAEGER, LOKI, prometheusUrl, serviceHost } from '../platform-names';
import { appLabels } from '../labels';
import { SingleContainerApp } from '../single-container-app';
import { DATASOURCE_UIDS } from './dashboards/gateway-dashboard';
import { TRACE_ID_PATTERN, TRACE_LOGS_QUERY, provisioningLiteral } from './log-links';

export const GRAFANA_VERSION = '11.6.0';
/** Secret (created out of band) with the admin password under `password`; referenced, never written. */
export const GRAFANA_ADMIN_SECRET = { name: 'grafana-admin', key: 'password' } as const;
const DASHBOARDS_PATH = '/var/lib/grafana/dashboards';
const COMPONENT = 'dashboards';

export interface GrafanaProps {
  readonly namespace: string;
  /** Dashboards by file name (`<uid>.json`), as built with the foundation SDK. */
  readonly dashboards: Readonly<Record<string, object>>;
}

/**
 * Grafana with Prometheus, Jaeger and Loki datasources and the platform's dashboards provisioned
 * from ConfigMaps. A trace id in a Loki line links to the trace in Jaeger (a derived field), and a
 * span in Jaeger to the lines of its trace (`tracesToLogsV2`), log-links.ts.
 */
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
        {
          name: 'Jaeger',
          uid: DATASOURCE_UIDS.jaeger,
          type: 'jaeger',
          access: 'proxy',
          url: `http://${serviceHost(JAEGER.name, namespace)}:${JAEGER.queryPort}`,
          jsonData: {
            tracesToLogsV2: { datasourceUid: DATASOURCE_UIDS.loki, spanStartTimeShift: '-5m', spanEndTimeShift: '5m', customQuery: true, query: provisioningLiteral(TRACE_LOGS_QUERY) },
          },
        },
        {
          name: 'Loki',
          uid: DATASOURCE_UIDS.loki,
          type: 'loki',
          access: 'proxy',
          url: `http://${serviceHost(LOKI.name, LOKI.namespace)}:${LOKI.port}`,
          jsonData: {
            derivedFields: [
              { name: 'TraceID', matcherRegex: TRACE_ID_PATTERN, datasourceUid: DATASOURCE_UIDS.jaeger, url: provisioningLiteral('${__value.raw}'), urlDisplayLabel: 'Trace in Jaeger' },
            ],
          },
        },
      ],
    });
    const providers = stringify({
      apiVersion: 1,
      providers: [{ name: 'uag', folder: 'UAG', type: 'file', disableDeletion: true, allowUiUpdates: false, options: { path: DASHBOARDS_PATH } }],
    });
    const dashboards = Object.fromEntries(Object.entries(props.dashboards).map(([file, dashboard]) => [file, `${JSON.stringify(dashboard, null, 2)}\n`]));
    // Before the Deployment that mounts them, so an apply in file order never starts pods without their configuration.
    const labels = appLabels({ name: GRAFANA.name, component: COMPONENT });
    const configMapMount = (id: string, mountPath: string, data: Record<string, string>) => {
      const configMap = new kplus.ConfigMap(this, id, { metadata: { name: `${GRAFANA.name}-${id}`, namespace, labels: { ...labels } }, data });
      return { path: mountPath, readOnly: true, volume: kplus.Volume.fromConfigMap(this, `${id}-volume`, configMap, { name: id }) };
    };
    const volumeMounts = [
      configMapMount('datasources', '/etc/grafana/provisioning/datasources', { 'datasources.yaml': datasources }),
      configMapMount('dashboard-providers', '/etc/grafana/provisioning/dashboards', { 'providers.yaml': providers }),
      configMapMount('dashboards', DASHBOARDS_PATH, dashboards),
      // Grafana writes its SQLite database and plugins here; dashboards come from ConfigMaps, so nothing is lost on restart.
      { path: '/var/lib/grafana', volume: kplus.Volume.fromEmptyDir(this, 'data-volume', 'data', { sizeLimit: Size.gibibytes(1) }) },
      { path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, 'tmp-volume', 'tmp', { sizeLimit: Size.mebibytes(64) }) },
    ];
    const adminPassword = kplus.Secret.fromSecretName(this, 'admin-secret', GRAFANA_ADMIN_SECRET.name);

    this.app = new SingleContainerApp(this, 'app', {
      namespace,
      name: GRAFANA.name,
      component: COMPONENT,
      imageRepository: 'grafana/grafana',
      version: GRAFANA_VERSION,
      ports: [{ name: 'http', port: GRAFANA.port }],
      health: { port: 'http', path: '/api/health' },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      env: {
        GF_SECURITY_ADMIN_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: adminPassword, key: GRAFANA_ADMIN_SECRET.key }),
        GF_ANALYTICS_REPORTING_ENABLED: kplus.EnvValue.fromValue('false'),
        GF_LOG_MODE: kplus.EnvValue.fromValue('console'),
      },
      podAnnotations: { [CONFIG_CHECKSUM_ANNOTATION]: configChecksum(datasources, providers, ...Object.values(dashboards)) },
      volumeMounts,
    });
  }
}
