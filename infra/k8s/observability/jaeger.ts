import { Construct } from 'constructs';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import { stringify } from 'yaml';
import type { TraceStorageSpec } from '../../environments/types';
import { addObject } from '../api-object';
import { CONFIG_CHECKSUM_ANNOTATION, configChecksum } from '../config-checksum';
import { JAEGER } from '../platform-names';
import { SingleContainerApp } from '../single-container-app';

export const JAEGER_VERSION = '2.5.0';
const CONFIG_PATH = '/etc/jaeger';
const BADGER_PATH = '/var/lib/jaeger';

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

    const claimName = `${JAEGER.name}-data`;
    const dataVolume: IVolume =
      storage.type === 'badger' ? { name: 'data', persistentVolumeClaim: { claimName } } : { name: 'data', emptyDir: { sizeLimit: '1Gi' } };

    this.app = new SingleContainerApp(this, 'app', {
      namespace: props.namespace,
      name: JAEGER.name,
      component: 'tracing',
      imageRepository: 'jaegertracing/jaeger',
      version: JAEGER_VERSION,
      args: [`--config=${CONFIG_PATH}/config.yaml`],
      ports: [
        { name: 'grpc-otlp', port: JAEGER.otlpGrpcPort },
        { name: 'http-otlp', port: JAEGER.otlpHttpPort },
        { name: 'http-query', port: JAEGER.queryPort },
        { name: 'http-health', port: JAEGER.healthPort },
      ],
      health: { port: 'http-health', path: '/status' },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: storage.type === 'memory' ? '1Gi' : '2Gi' } },
      podAnnotations: { [CONFIG_CHECKSUM_ANNOTATION]: configChecksum(config) },
      strategy: storage.type === 'badger' ? 'Recreate' : 'RollingUpdate',
      volumes: [
        { volume: { name: 'config', configMap: { name: `${JAEGER.name}-config` } }, mount: { name: 'config', mountPath: CONFIG_PATH, readOnly: true } },
        { volume: dataVolume, mount: { name: 'data', mountPath: BADGER_PATH } },
        { volume: { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }, mount: { name: 'tmp', mountPath: '/tmp' } },
      ],
    });
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels: { ...this.app.labels } });
    addObject(this, 'config', new ConfigMap({ metadata: metadata(`${JAEGER.name}-config`), data: { 'config.yaml': config } }));
    if (storage.type === 'badger') {
      addObject(
        this,
        'data',
        new PersistentVolumeClaim({
          metadata: metadata(claimName),
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(props.storageClassName === undefined ? {} : { storageClassName: props.storageClassName }),
            resources: { requests: { storage: storage.volumeSize } },
          },
        }),
      );
    }
  }
}
