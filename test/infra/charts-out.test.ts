import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, RUNTIME_METRIC_PREFIXES } from '../../app/src/contract';
import { ENVIRONMENT_NAMES } from '../../infra/environments';
import { CLUSTER_SCRAPE_TARGETS } from '../../infra/k8s/observability/cluster-scrape-targets';
import { ROLLOUT_HASH_LABEL } from '../../infra/k8s/observability/gateway-monitoring';
import { ALERTMANAGER, PROMETHEUS } from '../../infra/k8s/platform-names';
import { REQUESTS_PER_SECOND_METRIC } from '../../infra/k8s/requests-per-second-metric';
import { validateManifests } from '../../infra/synth/validate-manifests';
import { readManifests } from '../../infra/synth/write-charts';
import { parse } from 'yaml';
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from './fixtures';

/** Tests over the committed output, so what is reviewed and applied is what is checked. */
const CHARTS_OUT = join(__dirname, '..', '..', 'charts-out');
// Manifests are read back as plain data of many kinds.
type Manifest = any;
const objects: Manifest[] = readManifests(CHARTS_OUT);
const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);

describe('charts-out/', () => {
  it('holds one folder per environment', () => {
    expect(readdirSync(CHARTS_OUT).sort()).toEqual([...ENVIRONMENT_NAMES].sort());
  });

  it('validates against the published schemas, unknown fields included', () => {
    expect(objects.length).toBeGreaterThan(100);
    expect(validateManifests(objects)).toEqual([]);
  });

  it('labels every object with the standard labels and names it readably, without hash suffixes', () => {
    for (const o of objects) {
      expect({ object: `${o.kind}/${o.metadata.name}`, labels: o.metadata.labels }).toEqual({
        object: `${o.kind}/${o.metadata.name}`,
        labels: expect.objectContaining({ 'app.kubernetes.io/part-of': 'uag-platform', 'app.kubernetes.io/managed-by': 'cdk8s' }),
      });
      expect(o.metadata.name).toMatch(/^[a-z][a-z0-9.-]*$/);
      expect(o.metadata.name).not.toMatch(/-c8[0-9a-f]{6,}$/);
    }
  });

  it('writes no Secret and no LoadBalancer Service', () => {
    expect(ofKind('Secret')).toEqual([]);
    expect(ofKind('Service').filter((s) => s.spec.type === 'LoadBalancer')).toEqual([]);
  });

  /** Everything that runs pods from a template: Deployments, and the gateway's Argo Rollouts Rollout. */
  const workloads = () => [...ofKind('Deployment'), ...ofKind('Rollout')];

  it('runs every Deployment and Rollout restricted, probed, resourced and pinned', () => {
    expect(ofKind('Rollout').length).toBe(3);
    const containers = workloads().flatMap((d) => d.spec.template.spec.containers.map((c: Manifest) => ({ deployment: `${d.kind}/${d.metadata.name}`, pod: d.spec.template.spec, ...c })));
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers) {
      expect({ deployment: c.deployment, image: c.image }).toEqual({ deployment: c.deployment, image: expect.stringMatching(/^[^:]+(:\d+)?\/[^:]+(:(?!latest$)[\w.-]+|@sha256:[0-9a-f]+)$/) });
      expect({ deployment: c.deployment, pod: c.pod.securityContext, container: c.securityContext }).toEqual({
        deployment: c.deployment,
        pod: RESTRICTED_POD_SECURITY_CONTEXT,
        container: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
      });
      expect(c.pod.hostNetwork ?? false).toBe(false);
      expect(c.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(c.resources.limits.memory).toEqual(expect.any(String));
      expect(c.livenessProbe).toBeDefined();
      expect(c.readinessProbe).toBeDefined();
      expect((c.pod.volumes ?? []).filter((v: Manifest) => v.hostPath !== undefined)).toEqual([]);
    }
  });

  // cdk8s-plus selects a workload's pods by its `cdk8s.io/metadata.addr` construct-address label unless told otherwise.
  it('selects pods by readable app labels: no construct-address label on any object, template, selector or peer', () => {
    expect(objects.filter((o) => JSON.stringify(o).includes('cdk8s.io/metadata.addr')).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });

  it('mounts a service account token only into the pods of apps that call the Kubernetes API', () => {
    const callsTheApi = ['prometheus-adapter'];
    for (const w of workloads()) {
      expect({ workload: `${w.kind}/${w.metadata.name}`, automount: w.spec.template.spec.automountServiceAccountToken }).toEqual({
        workload: `${w.kind}/${w.metadata.name}`,
        automount: callsTheApi.includes(w.metadata.name),
      });
    }
  });

  // Regression: the Rollout stated `replicas: 3`, which every deploy applied again over the HPA's count.
  it('leaves the replica count of every autoscaled workload to its HPA, environment by environment', () => {
    // An environment may autoscale a workload another runs at a fixed count (prometheus-adapter in dev).
    const checked = ENVIRONMENT_NAMES.flatMap((environment) => {
      const inEnvironment: Manifest[] = readManifests(join(CHARTS_OUT, environment));
      return inEnvironment
        .filter((o) => o.kind === 'HorizontalPodAutoscaler')
        .map((hpa) => {
          const target = { ...hpa.spec.scaleTargetRef, namespace: hpa.metadata.namespace };
          const scaled = inEnvironment.find((d) => d.kind === target.kind && d.metadata.name === target.name && d.metadata.namespace === target.namespace);
          return { environment, target, found: scaled !== undefined, replicas: scaled?.spec.replicas };
        });
    });
    expect(checked.length).toBeGreaterThan(0);
    expect(checked).toEqual(checked.map(({ environment, target }) => ({ environment, target, found: true, replicas: undefined })));
  });

  it('gives every Deployment and Rollout that runs several pods (or leaves its count to an HPA) an HPA targeting it and a PDB selecting its pods', () => {
    const multiReplica = workloads().filter((d) => d.spec.replicas === undefined || d.spec.replicas > 1);
    expect(multiReplica.some((d) => d.kind === 'Rollout')).toBe(true);
    for (const d of multiReplica) {
      const sameObject = (o: Manifest) => o.metadata.namespace === d.metadata.namespace && o.metadata.name === d.metadata.name;
      const hpa = ofKind('HorizontalPodAutoscaler').find(sameObject);
      const pdb = ofKind('PodDisruptionBudget').find(sameObject);
      const podLabels: Record<string, string> = d.spec.template.metadata.labels;
      const selects = (selector: Record<string, string> | undefined) => selector !== undefined && Object.entries(selector).every(([key, value]) => podLabels[key] === value);
      expect({ name: `${d.kind}/${d.metadata.name}`, hpaTarget: hpa?.spec.scaleTargetRef, pdbSelectsPods: selects(pdb?.spec.selector.matchLabels) }).toEqual({
        name: `${d.kind}/${d.metadata.name}`,
        hpaTarget: { apiVersion: d.apiVersion, kind: d.kind, name: d.metadata.name },
        pdbSelectsPods: true,
      });
    }
  });

  it('points every Rollout at VirtualService routes, DestinationRule subsets and AnalysisTemplates that exist', () => {
    for (const rollout of ofKind('Rollout')) {
      const local = (kind: string, name: string) => ofKind(kind).find((o) => o.metadata.namespace === rollout.metadata.namespace && o.metadata.name === name);
      const { istio } = rollout.spec.strategy.canary.trafficRouting;
      const routes = local('VirtualService', istio.virtualService.name)?.spec.http ?? [];
      const subsets = (local('DestinationRule', istio.destinationRule.name)?.spec.subsets ?? []).map((subset: Manifest) => subset.name);
      for (const name of istio.virtualService.routes) {
        const route = routes.find((r: Manifest) => r.name === name);
        expect({ route: name, subsets: route?.route.map((r: Manifest) => r.destination.subset) }).toEqual({
          route: name,
          subsets: [istio.destinationRule.stableSubsetName, istio.destinationRule.canarySubsetName],
        });
      }
      expect(subsets).toEqual(expect.arrayContaining([istio.destinationRule.stableSubsetName, istio.destinationRule.canarySubsetName]));
      const analyses = rollout.spec.strategy.canary.steps.filter((step: Manifest) => step.analysis !== undefined).map((step: Manifest) => step.analysis);
      expect(analyses.length).toBeGreaterThan(0);
      for (const analysis of analyses) {
        const template = local('AnalysisTemplate', analysis.templates[0].templateName);
        expect(template?.spec.args.map((a: Manifest) => a.name)).toEqual(analysis.args.map((a: Manifest) => a.name));
      }
    }
  });

  it('gives every namespace a default-deny NetworkPolicy and STRICT mTLS', () => {
    for (const namespace of ofKind('Namespace').map((n) => n.metadata.name as string)) {
      const inNamespace = (o: Manifest) => o.metadata.namespace === namespace;
      expect(ofKind('NetworkPolicy').filter(inNamespace).some((p) => Object.keys(p.spec.podSelector).length === 0 && p.spec.ingress === undefined && p.spec.egress === undefined)).toBe(true);
      expect(ofKind('PeerAuthentication').filter(inNamespace).some((p) => p.spec.selector === undefined && p.spec.mtls.mode === 'STRICT')).toBe(true);
    }
  });
});

describe('metric names in rules, dashboards, rollout analyses and the HPA', () => {
  const contractNames = Object.values(METRICS).flatMap((m) => (m.type === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name]));
  /** `up` is Prometheus's own per-target series, not an exported metric. */
  const known = (name: string) => contractNames.includes(name) || RUNTIME_METRIC_PREFIXES.some((p) => name.startsWith(p)) || name === 'up';
  /** Metric names in a PromQL expression: identifiers directly followed by a label selector. */
  const metricNames = (expr: string) => [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]!);

  function dashboardExprs(value: unknown): string[] {
    if (Array.isArray(value)) return value.flatMap(dashboardExprs);
    if (typeof value !== 'object' || value === null) return [];
    return Object.entries(value).flatMap(([key, child]) => (key === 'expr' && typeof child === 'string' ? [child] : dashboardExprs(child)));
  }

  const analysisQueries = ofKind('AnalysisTemplate').flatMap((t) => t.spec.metrics.map((m: Manifest) => String(m.provider.prometheus.query)));
  const ruleExprs = ofKind('PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: Manifest) => g.rules.map((rule: Manifest) => String(rule.expr))));
  const dashboards = ofKind('ConfigMap')
    .filter((c) => c.metadata.name === 'grafana-dashboards')
    .flatMap((c) => Object.values(c.data as Record<string, string>).map((json) => JSON.parse(json) as unknown));
  const adapterRules = ofKind('ConfigMap')
    .filter((c) => c.metadata.name === 'prometheus-adapter-rules')
    .flatMap((c) => (parse(c.data['config.yaml'] as string) as { rules: Manifest[] }).rules);

  /**
   * The series the platform's own alerts read, by the job that exports them, with the labels they
   * select on besides the target labels: kube-state-metrics 2.17.0 (docs/metrics), the kubelets'
   * /metrics and /metrics/cadvisor, node-exporter, Prometheus, Alertmanager, cert-manager, External
   * Secrets Operator, Karpenter, Fluent Bit and Loki. The gateway's alerts
   * read only its contract.
   */
  const EXPORTED: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
    [CLUSTER_SCRAPE_TARGETS.kubeStateMetrics.job]: {
      kube_pod_container_status_waiting_reason: ['reason'],
      kube_horizontalpodautoscaler_status_current_replicas: [],
      kube_horizontalpodautoscaler_spec_max_replicas: [],
      kube_poddisruptionbudget_status_current_healthy: [],
      kube_poddisruptionbudget_status_desired_healthy: [],
      kube_statefulset_status_replicas_ready: ['statefulset'],
      kube_statefulset_replicas: ['statefulset'],
      kube_pod_status_unschedulable: [],
    },
    [CLUSTER_SCRAPE_TARGETS.kubelet.job]: {
      container_cpu_cfs_throttled_periods_total: ['metrics_path'],
      container_cpu_cfs_periods_total: ['metrics_path'],
      kubelet_volume_stats_available_bytes: ['metrics_path'],
      kubelet_volume_stats_capacity_bytes: ['metrics_path'],
    },
    [CLUSTER_SCRAPE_TARGETS.nodeExporter.job]: { node_filesystem_avail_bytes: ['fstype'], node_filesystem_size_bytes: ['fstype'] },
    [PROMETHEUS.name]: {
      prometheus_rule_evaluation_failures_total: [],
      prometheus_notifications_errors_total: [],
      prometheus_notifications_sent_total: [],
      prometheus_notifications_alertmanagers_discovered: [],
    },
    [ALERTMANAGER.name]: { alertmanager_notifications_failed_total: [], alertmanager_notifications_total: [] },
    // cert-manager v1.21.1 pkg/metrics/certificates.go: per Certificate, `condition` per Ready status.
    [CLUSTER_SCRAPE_TARGETS.certManager.job]: {
      certmanager_certificate_ready_status: ['condition'],
      certmanager_certificate_expiration_timestamp_seconds: [],
      certmanager_certificate_renewal_timestamp_seconds: [],
    },
    // External Secrets Operator at helm-chart-2.9.0 (esmetrics.go, cssmetrics.go): per object, `condition` and its `status`.
    [CLUSTER_SCRAPE_TARGETS.externalSecrets.job]: {
      externalsecret_status_condition: ['condition', 'status'],
      clustersecretstore_status_condition: ['condition', 'status'],
    },
    // Karpenter 1.14.1: kubernetes-sigs/karpenter at the pinned commit (scheduling/metrics.go,
    // metrics/nodepool/controller.go), operatorpkg's status-condition gauge, controller-runtime's reconcile counters.
    [CLUSTER_SCRAPE_TARGETS.karpenter.job]: {
      karpenter_scheduler_unschedulable_pods_count: ['controller'],
      operator_nodepool_status_condition_count: ['type', 'status'],
      karpenter_nodepools_usage: [],
      karpenter_nodepools_limit: [],
      controller_runtime_reconcile_total: ['controller', 'result'],
    },
    // Fluent Bit 5.1.1 src/flb_output.c: per output instance (`name`).
    [CLUSTER_SCRAPE_TARGETS.fluentBit.job]: { fluentbit_output_dropped_records_total: [] },
    // Loki 3.7.6: dskit's HTTP instrumentation (vendor/github.com/grafana/dskit/server/metrics.go).
    [CLUSTER_SCRAPE_TARGETS.loki.job]: { loki_request_duration_seconds_count: ['route', 'status_code'] },
  };
  /** `metric{matchers}` with the job it selects, for every selector of an expression. */
  const selectors = (expr: string) =>
    [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)].map(([, metric, matchers]) => ({ metric: metric!, matchers: matchers!, job: /\bjob="([^"]+)"/.exec(matchers!)?.[1] }));

  /** Series the platform's own recording rules write (the SLO windows), which alerts read back. */
  const recorded = new Set(ofKind('PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: Manifest) => g.rules.filter((rule: Manifest) => rule.record !== undefined).map((rule: Manifest) => String(rule.record)))));

  it('uses only contract metrics in alert rules, series the rules themselves record, or what the platform exporters export', () => {
    const exported = new Set(Object.values(EXPORTED).flatMap((metrics) => Object.keys(metrics)));
    const names = ruleExprs.flatMap(metricNames);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !known(n) && !recorded.has(n) && !exported.has(n))).toEqual([]);
  });

  it('reads each metric in alert rules from the job that exports it: the gateway contract from the gateway, the others from their exporters (regression: only the gateway was watched)', () => {
    const misplaced = ruleExprs.flatMap(selectors).filter(({ metric, job }) => (job !== undefined && EXPORTED[job] !== undefined ? EXPORTED[job][metric] === undefined : !known(metric) && !recorded.has(metric)));
    expect(misplaced).toEqual([]);
    const jobs = new Set(ruleExprs.flatMap(selectors).map((selector) => selector.job));
    expect([...Object.keys(EXPORTED)].filter((job) => !jobs.has(job))).toEqual([]);
  });

  it('uses only contract metrics in rollout analyses', () => {
    const names = analysisQueries.flatMap(metricNames);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !known(n))).toEqual([]);
  });

  it('uses only contract metrics in dashboards', () => {
    const names = dashboards.flatMap(dashboardExprs).flatMap(metricNames);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !known(n))).toEqual([]);
  });

  it('scales on a per-second metric the adapter derives from a contract counter', () => {
    const hpaMetrics = ofKind('HorizontalPodAutoscaler').flatMap((h) => h.spec.metrics.filter((m: Manifest) => m.type === 'Pods').map((m: Manifest) => m.pods.metric.name));
    expect([...new Set(hpaMetrics)]).toEqual([REQUESTS_PER_SECOND_METRIC]);
    const served = adapterRules.filter((r) => r.name.as === REQUESTS_PER_SECOND_METRIC);
    expect(served.length).toBeGreaterThan(0);
    expect(served.flatMap((r) => metricNames(r.seriesQuery)).filter((n) => !known(n))).toEqual([]);
  });

  /** Labels Prometheus attaches to every scraped series (ServiceMonitor target labels, the gateway's relabelling included). */
  const TARGET_LABELS = ['job', 'namespace', 'pod', 'instance', 'service', 'container', 'endpoint', ROLLOUT_HASH_LABEL];
  function unknownLabels(expr: string): string[] {
    return selectors(expr).flatMap(({ metric, matchers, job }) => {
      const spec = Object.values(METRICS).find((m) => metric === m.name || (m.type === 'histogram' && metric.replace(/_(bucket|sum|count)$/, '') === m.name));
      const exported = job === undefined ? undefined : EXPORTED[job]?.[metric];
      const allowed = [...TARGET_LABELS, ...(spec?.labels ?? []), ...(exported ?? []), ...(metric.endsWith('_bucket') ? ['le'] : [])];
      return [...matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((m) => m[1]!).filter((label) => !allowed.includes(label)).map((label) => `${metric}{${label}}`);
    });
  }

  it('matches only labels the contract (or, for the platform’s alerts, the exporter) declares for each metric', () => {
    const exprs = [...ruleExprs, ...dashboards.flatMap(dashboardExprs), ...analysisQueries];
    expect(exprs.flatMap(unknownLabels)).toEqual([]);
    expect(unknownLabels('rate(gateway_requests_total{status="500"}[5m])')).toEqual(['gateway_requests_total{status}']);
  });

  it('selects the canary in analyses by a label the ServiceMonitor of the same namespace sets', () => {
    for (const template of ofKind('AnalysisTemplate')) {
      const relabelled = ofKind('ServiceMonitor')
        .filter((m) => m.metadata.namespace === template.metadata.namespace)
        .flatMap((m) => m.spec.endpoints.flatMap((e: Manifest) => (e.relabelings ?? []).map((r: Manifest) => r.targetLabel)));
      const byArgument = template.spec.metrics.flatMap((m: Manifest) => [...String(m.provider.prometheus.query).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="\{\{args\.[^}]+\}\}"/g)].map((match) => match[1]));
      expect(byArgument.length).toBeGreaterThan(0);
      expect(byArgument.filter((label: string) => !relabelled.includes(label))).toEqual([]);
    }
  });

  it('detects a metric name the contract lacks', () => {
    expect(metricNames('rate(gateway_bogus_total{job="x"}[5m])').filter((n) => !known(n))).toEqual(['gateway_bogus_total']);
  });
});
