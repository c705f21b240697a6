import { request } from 'node:http';
import { MESH_ACCESS_LOG_FORMAT } from '../../../infra/k8s/mesh/mesh-telemetry';
import { TRACE_ID_PATTERN } from '../../../infra/k8s/observability/log-links';
import { CLOUD_ENVIRONMENTS, CLOUD_ENVIRONMENT_NAMES } from '../../../infra/pulumi/cloud-environments';
import { fluentBitConfig, fluentBitValues, logPipelineReleases, lokiValues } from '../../../infra/pulumi/log-pipeline';
import { HELM_CHARTS } from '../../../infra/pulumi/versions';
import { useCleanup } from '../../helpers/cleanup';
import { startBuiltGateway, type BuiltGateway } from '../../helpers/gateway-process';
import { startLoopbackServer, type LoopbackServer } from '../../helpers/loopback-server';
import { startOtlpReceiver, type OtlpReceiver } from '../../helpers/otlp-receiver';

/**
 * Fluent Bit's `cri` multiline parser: the regex containerd's log lines are split by
 * (src/multiline/flb_ml_parser_cri.c at fluent-bit v5.1.1). Oniguruma and JavaScript read this
 * pattern alike: named groups, a lazy quantifier and alternation.
 */
const FLUENT_BIT_CRI_REGEX = /^(?<time>.+?) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$/;

type LogRecord = Record<string, unknown>;

/** One `Key value` setting of a classic-configuration section, by name (Fluent Bit reads keys case-insensitively). */
function setting(section: string, key: string): string {
  const line = section.split('\n').find((candidate) => candidate.trim().toLowerCase().startsWith(`${key.toLowerCase()} `));
  if (line === undefined) throw new Error(`no ${key} in:\n${section}`);
  return line.trim().slice(key.length).trim();
}

/** A record accessor (`$kubernetes['labels']['app.kubernetes.io/name']`) read from a record. */
function recordAccessor(pattern: string, record: LogRecord): unknown {
  const match = /^\$(\w+)((?:\['[^']+'\])*)$/.exec(pattern);
  if (match === null) throw new Error(`record accessor ${pattern} is not modelled`);
  const keys = [match[1]!, ...[...match[2]!.matchAll(/\['([^']+)'\]/g)].map((key) => key[1]!)];
  return keys.reduce<unknown>((value, key) => (value as LogRecord | undefined)?.[key], record);
}

/**
 * What the configured pipeline makes of one line a container wrote, as the `tail` input with the
 * `cri` parser, the `kubernetes` filter (Merge_Log, Keep_Log Off) and the `loki` output (Labels,
 * Remove_Keys, Line_Format json) handle it: the stream labels and the line Loki stores.
 */
function throughPipeline(written: string, pod: { namespace: string; name: string; container: string; labels: Record<string, string> }) {
  const config = fluentBitConfig();
  expect(setting(config.inputs!, 'multiline.parser')).toBe('cri');
  // containerd writes each line as `<RFC 3339 time> <stream> <F|P> <line>` (F: the line is complete).
  const cri = FLUENT_BIT_CRI_REGEX.exec(`2026-12-06T01:23:45.678901234Z stdout F ${written}`)?.groups;
  if (cri === undefined) throw new Error(`the cri parser does not match: ${written}`);
  const { time: _time, log, ...rest } = cri;
  expect([setting(config.filters!, 'Merge_Log'), setting(config.filters!, 'Keep_Log')]).toEqual(['On', 'Off']);
  const merged = JSON.parse(log!) as LogRecord;
  const record: LogRecord = { ...rest, ...merged, kubernetes: { namespace_name: pod.namespace, pod_name: pod.name, container_name: pod.container, labels: pod.labels } };
  const labels = Object.fromEntries(
    setting(config.outputs!, 'Labels')
      .split(/,\s*/)
      .map((pair) => {
        const [key, value] = pair.split('=') as [string, string];
        return [key, value.startsWith('$') ? recordAccessor(value, record) : value];
      }),
  );
  for (const key of setting(config.outputs!, 'Remove_Keys').split(/,\s*/)) delete record[key];
  expect(setting(config.outputs!, 'Line_Format')).toBe('json');
  return { labels, line: JSON.stringify(record) };
}

describe('the log pipeline releases', () => {
  it.each(CLOUD_ENVIRONMENT_NAMES)('keep %s’s logs for its retention on its volume, in one Loki on the given StorageClass, and ship them with Fluent Bit after Loki', (environment) => {
    const { logs } = CLOUD_ENVIRONMENTS[environment];
    const [loki, fluentBit, ...others] = logPipelineReleases({ logs, storageClassName: 'gp3-encrypted' });
    expect(others).toEqual([]);
    // Both charts' ServiceMonitors need the monitoring CRDs.
    expect(loki).toMatchObject({ key: 'loki', namespace: 'logging', chart: HELM_CHARTS.loki, after: ['prometheusOperatorCrds'] });
    expect(fluentBit).toMatchObject({ key: 'fluentBit', namespace: 'logging', chart: HELM_CHARTS.fluentBit, after: ['loki', 'prometheusOperatorCrds'] });
    expect(loki?.values).toMatchObject({
      deploymentMode: 'Monolithic',
      loki: { auth_enabled: false, storage: { type: 'filesystem' }, limits_config: { retention_period: `${logs.retentionHours}h` }, compactor: { retention_enabled: true, delete_request_store: 'filesystem' } },
      singleBinary: { replicas: 1, persistence: { size: `${logs.volumeGiB}Gi`, storageClass: 'gp3-encrypted' } },
    });
  });

  it('has Loki’s and Fluent Bit’s charts create ServiceMonitors the platform’s Prometheus selects (regression: logs dropped on the way to Loki, or Loki refusing them, went unnoticed)', () => {
    const loki = lokiValues({ logs: CLOUD_ENVIRONMENTS.dev.logs, storageClassName: null }) as { monitoring?: unknown };
    expect(loki.monitoring).toEqual({ serviceMonitor: { enabled: true, labels: { 'monitoring.uag.example.com/prometheus': 'platform' } } });
    expect((fluentBitValues() as { serviceMonitor?: unknown }).serviceMonitor).toEqual({ enabled: true, selector: { 'monitoring.uag.example.com/prometheus': 'platform' } });
  });

  it('keeps each environment’s logs as long as it is reviewed: dev 3 days, staging a week, prod 30 days', () => {
    expect(Object.fromEntries(CLOUD_ENVIRONMENT_NAMES.map((name) => [name, CLOUD_ENVIRONMENTS[name].logs.retentionHours / 24]))).toEqual({ dev: 3, staging: 7, prod: 30 });
  });

  it('leaves the volume’s class to the cluster when none is given (the local stack)', () => {
    expect((lokiValues({ logs: CLOUD_ENVIRONMENTS.dev.logs, storageClassName: null }).singleBinary as { persistence: object }).persistence).toEqual({ size: '10Gi' });
  });

  it('mounts only the node’s /var/log into Fluent Bit, without capabilities, escalation or a writable root', () => {
    const values = fluentBitValues() as { daemonSetVolumes: unknown[]; daemonSetVolumeMounts: unknown[]; securityContext: Record<string, unknown> };
    expect(values.daemonSetVolumes).toEqual([{ name: 'varlog', hostPath: { path: '/var/log' } }]);
    expect(values.daemonSetVolumeMounts).toEqual([{ name: 'varlog', mountPath: '/var/log' }]);
    expect(values.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(setting(fluentBitConfig().outputs!, 'Host')).toBe('loki.logging.svc.cluster.local');
  });
});

describe('a built gateway’s lines through the pipeline', () => {
  const track = useCleanup('all');
  let gateway: BuiltGateway;
  let upstream: LoopbackServer;
  let otlp: OtlpReceiver;
  const written: string[] = [];

  const get = (path: string) =>
    new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: gateway.port, path }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      })
        .on('error', reject)
        .end();
    });

  beforeAll(async () => {
    // The upstream fails /api/users/fail, so one access line is a 5xx.
    upstream = track(await startLoopbackServer((req, res) => res.writeHead(req.url?.endsWith('/fail') ? 503 : 200).end('{}')));
    otlp = track(await startOtlpReceiver());
    const routes = { routes: [{ name: 'users', match: { pathPrefix: '/api/users' }, upstream: { url: upstream.url } }] };
    gateway = await startBuiltGateway(routes, {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      UAG_DRAIN_DELAY_MS: '0',
    });
    track(gateway);
    // The bytes the container wrote, line by line, as containerd would frame them.
    let pending = '';
    gateway.process.child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      written.push(...lines);
    });
    expect([await get('/api/users/ok'), await get('/api/users/fail')]).toEqual([200, 503]);
    const deadline = Date.now() + 10_000;
    while ((written.filter((line) => line.includes('"msg":"access"')).length < 2 || otlp.spans.length < 4) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  }, 60_000);

  const pod = { namespace: 'gateway', name: 'gateway-7d9c4-x2x5q', container: 'gateway', labels: { 'app.kubernetes.io/name': 'gateway' } };

  it('decodes each access line into its fields, labelled with the pod’s namespace, pod, container and app, the line Loki keeps still JSON', () => {
    const access = written.filter((line) => line.includes('"msg":"access"')).map((line) => throughPipeline(line, pod));
    expect(access).toHaveLength(2);
    for (const { labels, line } of access) {
      expect(labels).toEqual({ job: 'fluent-bit', namespace: 'gateway', pod: 'gateway-7d9c4-x2x5q', container: 'gateway', app: 'gateway' });
      expect(JSON.parse(line)).toMatchObject({ level: 'info', msg: 'access', route: 'users', method: 'GET', trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(JSON.parse(line)).not.toHaveProperty('kubernetes');
    }
    // What the dashboard panel counts: access lines with a 5xx status, per route.
    const errors = access.map(({ line }) => JSON.parse(line)).filter((fields) => fields.msg === 'access' && fields.status >= 500);
    expect(errors.map((fields) => [fields.route, fields.status])).toEqual([['users', 503]]);
  });

  it('lets Grafana’s derived field find, in the line Loki keeps, the id of the trace the gateway exported (regression: log lines did not link to traces)', () => {
    const traceIds = new Set(otlp.spans.map((span) => span.traceId));
    const linked = written
      .filter((line) => line.includes('"msg":"access"'))
      .map((line) => new RegExp(TRACE_ID_PATTERN).exec(throughPipeline(line, pod).line)?.[1]);
    expect(linked).toHaveLength(2);
    for (const traceId of linked) expect(traceIds.has(traceId!)).toBe(true);
  });

  it('finds the same trace in the mesh’s JSON access line of the upstream’s sidecar, from the traceparent the gateway sent', () => {
    const received = upstream.requests.find((req) => req.url === '/api/users/fail');
    const traceparent = String(received?.headers.traceparent);
    // The line Envoy writes with MESH_ACCESS_LOG_FORMAT: each field's operator, here with the request's values.
    const envoyLine = JSON.stringify(Object.fromEntries(Object.keys(MESH_ACCESS_LOG_FORMAT).map((field) => [field, field === 'traceparent' ? traceparent : field === 'response_code' ? 503 : '-'])));
    const { labels, line } = throughPipeline(envoyLine, { namespace: 'users', name: 'user-service-5f6d-abcde', container: 'istio-proxy', labels: { 'app.kubernetes.io/name': 'user-service' } });
    expect(labels).toMatchObject({ namespace: 'users', container: 'istio-proxy' });
    expect(new RegExp(TRACE_ID_PATTERN).exec(line)?.[1]).toBe(traceparent.split('-')[1]);
    expect(MESH_ACCESS_LOG_FORMAT.traceparent).toBe('%REQ(TRACEPARENT)%');
  });
});
