import type * as pulumi from '@pulumi/pulumi';
import { LOKI, MONITOR_SELECTOR, serviceHost } from '../k8s/platform-names';
import { HELM_CHARTS } from './versions';
import type { OperatorRelease } from './operators';

/**
 * Pod logs into a store a person can search: Fluent Bit on every node reads the containers' log
 * files, decodes the JSON lines (the gateway's, and the mesh's access lines, JSON by istiod's
 * meshConfig) and ships them with their pod's namespace, pod, container and app as labels to
 * Loki, which Grafana queries. One Loki per cluster, monolithic on one volume, in every environment:
 * Grafana is already the platform's console and links Loki lines to Jaeger traces and back, and a
 * volume costs a few dollars a month where CloudWatch Logs would bill every ingested GB and keep
 * Grafana's log links behind an AWS identity for a meshed pod.
 */

/** How long each environment keeps logs, and the volume that holds them (cloud-environments.ts). */
export interface LogsSpec {
  /** Loki's `retention_period`, in whole hours (Loki deletes whole index periods of 24h). */
  readonly retentionHours: number;
  readonly volumeGiB: number;
}

export interface LogPipelineArgs {
  readonly logs: LogsSpec;
  /** StorageClass of Loki's volume; `null`: the cluster's default class. */
  readonly storageClassName: string | null;
  /** What Loki's volume needs first (the StorageClass the program creates on EKS). @default none */
  readonly storagePrerequisites?: readonly pulumi.Resource[];
}

export const LOG_PIPELINE = { namespace: LOKI.namespace, lokiRelease: 'loki', fluentBitRelease: 'fluent-bit' } as const;

/** The date Loki's TSDB schema (v13) starts at; past or present, never moved, or older chunks become unreadable. */
const SCHEMA_FROM = '2026-12-01';

const RUNTIME_DEFAULT_SECCOMP = { type: 'RuntimeDefault' } as const;

/**
 * Loki chart values (chart `loki` 18.11.0 from grafana-community/helm-charts, Loki 3.7.6; checked
 * against charts/loki/values.yaml, templates/validate.yaml and templates/monolithic/ at tag
 * loki-18.11.0): one monolithic replica on a filesystem volume (the chart refuses more without
 * object storage), no nginx gateway, caches, canary or ruler, and the compactor deleting what is
 * older than the environment's retention. The chart's pod and container security contexts are
 * restricted by default (non-root 10001, read-only root, no capabilities, RuntimeDefault).
 */
export function lokiValues(args: LogPipelineArgs): Record<string, unknown> {
  return {
    deploymentMode: 'Monolithic',
    loki: {
      // One tenant: the platform's own cluster.
      auth_enabled: false,
      commonConfig: { replication_factor: 1 },
      storage: { type: 'filesystem' },
      schemaConfig: { configs: [{ from: SCHEMA_FROM, store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }] },
      limits_config: { retention_period: `${args.logs.retentionHours}h` },
      compactor: { retention_enabled: true, delete_request_store: 'filesystem' },
    },
    singleBinary: {
      replicas: 1,
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      persistence: { size: `${args.logs.volumeGiB}Gi`, ...(args.storageClassName === null ? {} : { storageClass: args.storageClassName }) },
      // One replica: a budget would only block node drains.
      podDisruptionBudget: { enabled: false },
    },
    // The rules sidecar serves the ruler, which is off.
    sidecar: { rules: { enabled: false } },
    ruler: { enabled: false },
    gateway: { enabled: false },
    chunksCache: { enabled: false },
    resultsCache: { enabled: false },
    lokiCanary: { enabled: false },
    // The Helm test needs the canary (templates/validate.yaml).
    test: { enabled: false },
    // templates/monitoring/servicemonitor.yaml: one ServiceMonitor on the `http-metrics` port
    // (3100) of the Services carrying the chart's selector labels, the headless one excluded by its
    // `prometheus.io/service-monitor: "false"` label; `jobPrefix` (default `<namespace>/`) makes the
    // job `logging/loki`. Labelled for the platform's Prometheus; it needs nothing but the monitoring CRDs.
    monitoring: { serviceMonitor: { enabled: true, labels: { ...MONITOR_SELECTOR } } },
  };
}

/** The Fluent Bit pipeline (classic configuration, Fluent Bit 5.1.1), as the chart's `config` sections. */
export function fluentBitConfig(): Record<string, string> {
  const lokiHost = serviceHost(LOKI.name, LOKI.namespace);
  const kubernetes = (field: string) => `$kubernetes['${field}']`;
  return {
    // Only containers' logs: the default `systemd` input (the kubelet's journal) needs /run/log/journal, not mounted.
    inputs: [
      '[INPUT]',
      '    Name tail',
      '    Path /var/log/containers/*.log',
      // Containerd's CRI framing (src/multiline/flb_ml_parser_cri.c): time, stream, partial flag, the line.
      '    multiline.parser cri',
      '    Tag kube.*',
      // Read positions on the node, so a restarted agent neither repeats nor skips lines.
      '    DB /var/log/uag-fluent-bit.db',
      '    Mem_Buf_Limit 16MB',
      '    Skip_Long_Lines On',
      '',
    ].join('\n'),
    filters: [
      '[FILTER]',
      '    Name kubernetes',
      '    Match kube.*',
      // A JSON line's fields become the record's (the gateway's level, route, status, trace_id; the mesh's response_code, traceparent).
      '    Merge_Log On',
      '    Keep_Log Off',
      '    Annotations Off',
      '',
    ].join('\n'),
    outputs: [
      '[OUTPUT]',
      '    Name loki',
      '    Match kube.*',
      `    Host ${lokiHost}`,
      `    Port ${LOKI.port}`,
      // Few, bounded labels; everything else stays in the JSON line for `| json`.
      `    Labels job=fluent-bit, namespace=${kubernetes('namespace_name')}, pod=${kubernetes('pod_name')}, container=${kubernetes('container_name')}, app=$kubernetes['labels']['app.kubernetes.io/name']`,
      '    Remove_Keys kubernetes, stream, _p',
      '    Line_Format json',
      '    Retry_Limit 10',
      '',
    ].join('\n'),
  };
}

/**
 * Fluent Bit chart values (chart `fluent-bit` 0.58.1 from fluent/helm-charts, Fluent Bit 5.1.1;
 * checked against charts/fluent-bit/values.yaml and templates/ at tag fluent-bit-0.58.1). The
 * DaemonSet mounts the node's /var/log (read, plus its read-position database) and nothing else of
 * the host: the chart's /var/lib/docker/containers and /etc/machine-id mounts serve Docker nodes and
 * the systemd input, neither used here. It reads root-owned log files, so it runs as root, with no
 * capabilities, no privilege escalation and a read-only root filesystem.
 */
export function fluentBitValues(): Record<string, unknown> {
  return {
    config: fluentBitConfig(),
    daemonSetVolumes: [{ name: 'varlog', hostPath: { path: '/var/log' } }],
    daemonSetVolumeMounts: [{ name: 'varlog', mountPath: '/var/log' }],
    podSecurityContext: { seccompProfile: RUNTIME_DEFAULT_SECCOMP },
    securityContext: {
      runAsUser: 0,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: RUNTIME_DEFAULT_SECCOMP,
    },
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    // Every node, tainted ones included: their pods' logs are as needed.
    tolerations: [{ operator: 'Exists' }],
    testFramework: { enabled: false },
    // templates/servicemonitor.yaml: a ServiceMonitor on the `http` port (metricsPort, 2020) at
    // /api/v2/metrics/prometheus, job from the `app.kubernetes.io/instance` label (`fluent-bit`),
    // rendered only where the monitoring CRDs are served; `selector` becomes its labels.
    serviceMonitor: { enabled: true, selector: { ...MONITOR_SELECTOR } },
  };
}

/** Loki, then Fluent Bit, which ships to it, in the `logging` namespace (an audited one, policies/exceptions.yaml). */
export function logPipelineReleases(args: LogPipelineArgs): OperatorRelease[] {
  return [
    {
      key: 'loki',
      releaseName: LOG_PIPELINE.lokiRelease,
      namespace: LOG_PIPELINE.namespace,
      chart: HELM_CHARTS.loki,
      values: lokiValues(args),
      // Its chart's ServiceMonitor needs the monitoring CRDs.
      after: ['prometheusOperatorCrds'],
      platformPrerequisite: false,
      dependsOn: args.storagePrerequisites ?? [],
    },
    { key: 'fluentBit', releaseName: LOG_PIPELINE.fluentBitRelease, namespace: LOG_PIPELINE.namespace, chart: HELM_CHARTS.fluentBit, values: fluentBitValues(), after: ['loki', 'prometheusOperatorCrds'], platformPrerequisite: false },
  ];
}
