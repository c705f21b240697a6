import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { TraceStorageSpec } from '../../environments/types';
import * as kplus from '../cdk8s-plus';
import { CONFIG_CHECKSUM_ANNOTATION, configChecksum } from '../config-checksum';
import { appLabels } from '../labels';
import { JAEGER } from '../platform-names';
import { sizeOf } from '../quantity';
import { SingleContainerApp } from '../single-container-app';

export const JAEGER_VERSION = '2.5.0';
const CONFIG_PATH = '/etc/jaeger';
const BADGER_PATH = '/var/lib/jaeger';
const COMPONENT = 'tracing';

export interface JaegerProps {
  readonly namespace: string;
  /**
   * `memory` keeps traces in the pod (lost on restart; fine for dev). `badger` keeps them on a
   * ReadWriteOnce volume for `retention`: one replica, no external database to run. Larger
   * installations would point `jaeger_storage` at OpenSearch instead.
   * @default { type: 'memory', maxTraces: 50000 }
   */
  readonly storage?: TraceStorageSpec;
  /** StorageClass of the badger volume's claim. @default none: the cluster's default class */
  readonly storageClassName?: string;
}

/**
 * Jaeger v2 (an OpenTelemetry Collector distribution): OTLP receivers on 4317/4318 that the
 * gateway and the mesh export to, and the query UI Grafana reads traces from.
 */
export class Jaeger extends Construct {
  readonly app: SingleContainerApp;

  constructor(scope: Construct, id: string, props: JaegerProps) {
    super(scope, id);
    const storage = props.storage ?? { type: 'memory', maxTraces: 50_000 };
    const backend =
      storage.type === 'memory'
        ? { memory: { max_traces: storage.maxTraces } }
        : { badger: { directories: { keys: `${BADGER_PATH}/keys`, values: `${BADGER_PATH}/values` }, ephemeral: false, ttl: { spans: storage.retention } } };
    const config = stringify({
      service: {
        extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
        pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] } },
        // Spans received, refused and exported, for Prometheus; served on every address, as in
        // jaeger v2.5.0 cmd/jaeger/config.yaml (the collector's own default listens on localhost only).
        telemetry: { metrics: { readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: JAEGER.metricsPort } } } }] } },
      },
      extensions: {
        healthcheckv2: { use_v2: true, http: { endpoint: `0.0.0.0:${JAEGER.healthPort}` } },
        jaeger_query: { storage: { traces: 'primary' } },
        jaeger_storage: { backends: { primary: backend } },
      },
      receivers: {
        otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${JAEGER.otlpGrpcPort}` }, http: { endpoint: `0.0.0.0:${JAEGER.otlpHttpPort}` } } },
      },
      processors: { batch: {} },
      exporters: { jaeger_storage_exporter: { trace_storage: 'primary' } },
    });

    // Before the Deployment that mounts them, so an apply in file order never starts pods without them.
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels: { ...appLabels({ name: JAEGER.name, component: COMPONENT }) } });
    const configMap = new kplus.ConfigMap(this, 'config', { metadata: metadata(`${JAEGER.name}-config`), data: { 'config.yaml': config } });
    const dataVolume =
      storage.type === 'badger'
        ? kplus.Volume.fromPersistentVolumeClaim(
            this,
            'data-volume',
            new kplus.PersistentVolumeClaim(this, 'data', {
              metadata: metadata(`${JAEGER.name}-data`),
              accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
              storage: sizeOf(storage.volumeSize, 'Gi'),
              ...(props.storageClassName === undefined ? {} : { storageClassName: props.storageClassName }),
            }),
            { name: 'data' },
          )
        : kplus.Volume.fromEmptyDir(this, 'data-volume', 'data', { sizeLimit: Size.gibibytes(1) });

    this.app = new SingleContainerApp(this, 'app', {
      namespace: props.namespace,
      name: JAEGER.name,
      component: COMPONENT,
      imageRepository: 'jaegertracing/jaeger',
      version: JAEGER_VERSION,
      args: [`--config=${CONFIG_PATH}/config.yaml`],
      ports: [
        { name: 'grpc-otlp', port: JAEGER.otlpGrpcPort },
        { name: 'http-otlp', port: JAEGER.otlpHttpPort },
        { name: 'http-query', port: JAEGER.queryPort },
        { name: 'http-health', port: JAEGER.healthPort },
        { name: 'http-metrics', port: JAEGER.metricsPort },
      ],
      health: { port: 'http-health', path: '/status' },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: storage.type === 'memory' ? '1Gi' : '2Gi' } },
      podAnnotations: { [CONFIG_CHECKSUM_ANNOTATION]: configChecksum(config) },
      strategy: storage.type === 'badger' ? 'Recreate' : 'RollingUpdate',
      volumeMounts: [
        { path: CONFIG_PATH, readOnly: true, volume: kplus.Volume.fromConfigMap(this, 'config-volume', configMap, { name: 'config' }) },
        { path: BADGER_PATH, volume: dataVolume },
        { path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, 'tmp-volume', 'tmp', { sizeLimit: Size.mebibytes(64) }) },
      ],
    });
  }
}
