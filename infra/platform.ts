import { resolve } from 'node:path';
import { App, Chart } from 'cdk8s';
import { PolicyBundle, repositoryPolicyOptions, type PolicyOptions } from '../policies/k8s';
import type { EnvironmentSpec } from './environments/types';
import { validateEnvironment } from './environments/validate-environment';
import { gatewayTrustedProxies } from './k8s/client-address';
import { GatewayAutoscaler } from './k8s/gateway-autoscaler';
import { GatewayNetworkPolicies } from './k8s/gateway-network-policies';
import { GatewayRollout } from './k8s/gateway-rollout';
import { GatewayServices } from './k8s/gateway-services';
import { GatewayWorkload } from './k8s/gateway-workload';
import { GatewayAccessPolicies } from './k8s/mesh/gateway-access-policies';
import { IngressRouting } from './k8s/mesh/ingress-routing';
import { MeshTelemetry } from './k8s/mesh/mesh-telemetry';
import { PreviewAccess } from './k8s/mesh/preview-access';
import { SidecarScopes } from './k8s/mesh/sidecar-scopes';
import { UpstreamTrafficPolicies } from './k8s/mesh/upstream-traffic-policies';
import { AlertRouting } from './k8s/observability/alert-routing';
import { ALERT_INHIBITIONS } from './k8s/observability/alerts';
import { gatewayDashboard } from './k8s/observability/dashboards/gateway-dashboard';
import { GatewayMonitoring } from './k8s/observability/gateway-monitoring';
import { Grafana } from './k8s/observability/grafana';
import { Jaeger } from './k8s/observability/jaeger';
import { ObservabilityAccessPolicies } from './k8s/observability/observability-access-policies';
import { ObservabilityNetworkPolicies } from './k8s/observability/observability-network-policies';
import { PlatformMonitoring, allowEnvoyMetrics } from './k8s/observability/platform-monitoring';
import { PrometheusAdapter } from './k8s/observability/prometheus-adapter';
import { RolloutAnalysis } from './k8s/observability/rollout-analysis';
import { PLATFORM_SELECTOR, PrometheusStack } from './k8s/observability/prometheus-stack';
import { PLATFORM_LABELS } from './k8s/labels';
import type { ExternalEgress } from './k8s/external-egress';
import { ENCRYPTED_STORAGE_CLASS, NAMESPACES } from './k8s/platform-names';
import { RequestsPerSecondMetric } from './k8s/requests-per-second-metric';
import { ResourceRecommendations } from './k8s/resource-recommendations';
import { WorkloadNamespace } from './k8s/workload-namespace';

export interface PlatformProps {
  readonly environment: EnvironmentSpec;
  /** Immutable gateway image reference, e.g. `<registry>/uag-gateway:<content hash>` or a pushed digest. */
  readonly image: string;
  /** Where `app.synth()` writes. @default 'dist' (cdk8s's default; callers that only read the App leave it) */
  readonly outdir?: string;
  /**
   * StorageClass of the platform's volume claims; `null` leaves the choice to the cluster's default
   * class (the local stack, whose cluster has its own).
   * @default ENCRYPTED_STORAGE_CLASS, which the Pulumi program creates on EKS
   */
  readonly storageClassName?: string | null;
  /** Gateway egress to addresses outside the cluster: NetworkPolicy rules and ServiceEntries (see ExternalEgress). @default none */
  readonly gatewayExternalEgress?: readonly ExternalEgress[];
  /**
   * Admission policy settings, the same object the synth's policy check uses.
   * @default this repository's reviewed exceptions (repositoryPolicyOptions)
   */
  readonly policyOptions?: PolicyOptions;
}

/**
 * Builds the whole platform for one environment as a cdk8s App, without writing anything: the
 * synth CLI writes it to charts-out/, and the Pulumi program can render it in process with the
 * digest it pushed. Throws EnvironmentError when the spec is invalid.
 */
export function synthesizePlatform(props: PlatformProps): App {
  const { environment: spec, image } = props;
  const routes = validateEnvironment(spec);
  const app = new App({ outdir: props.outdir ?? 'dist' });

  const gatewayChart = new Chart(app, 'gateway');
  const gatewayNamespace = new WorkloadNamespace(gatewayChart, 'namespace', { name: NAMESPACES.gateway });
  const workload = new GatewayWorkload(gatewayChart, 'workload', {
    namespace: gatewayNamespace.name,
    image,
    environment: spec.name,
    routes,
    resources: spec.gateway.resources,
    drainDelayMs: spec.gateway.drainDelayMs,
    shutdownTimeoutMs: spec.gateway.shutdownTimeoutMs,
    logLevel: spec.gateway.logLevel,
    routeChanges: spec.gateway.routeChanges,
    traceSamplingRatio: spec.observability.traceSamplingRatio,
    trustedProxies: gatewayTrustedProxies(spec.clientAddress),
  });
  const services = new GatewayServices(gatewayChart, 'services', { workload, preview: spec.rollout.strategy.type === 'blueGreen' });
  new GatewayNetworkPolicies(gatewayChart, 'network-policies', { workload, routes, upstreamTargetPorts: spec.upstreamTargetPorts, externalEgress: props.gatewayExternalEgress });
  const monitoring = new GatewayMonitoring(gatewayChart, 'monitoring', {
    workload,
    adminServiceName: services.adminServiceName,
    thresholds: spec.alerts,
    slo: spec.slo,
    resources: spec.gateway.resources,
  });

  const analysis = new RolloutAnalysis(gatewayChart, 'rollout-analysis', {
    namespace: workload.namespace,
    labels: workload.labels,
    selector: monitoring.selector,
    analysis: spec.rollout.analysis,
  });

  const meshChart = new Chart(app, 'mesh');
  new GatewayAccessPolicies(meshChart, 'access', { workload });
  const routing = new IngressRouting(meshChart, 'ingress', {
    workload,
    serviceName: services.httpServiceName,
    tcpServiceName: services.tcpServiceName,
    ingress: spec.ingress,
    routes,
    retries: spec.retries,
    previewHeaderName: spec.rollout.previewHeaderName,
    previewServiceName: services.previewServiceName,
    faultInjection: spec.faultInjection,
  });
  new PreviewAccess(meshChart, 'preview-access', {
    name: `${workload.name}-preview-header`,
    labels: workload.labels,
    previewHeaderName: spec.rollout.previewHeaderName,
    testerCidrs: spec.rollout.previewTesterCidrs,
  });
  const rollout = new GatewayRollout(gatewayChart, 'rollout', {
    workload,
    strategy: spec.rollout.strategy,
    previewReplicas: spec.rollout.previewReplicas,
    analysis: analysis.reference,
    routing,
    services,
  });
  new GatewayAutoscaler(gatewayChart, 'autoscaler', { workload, rollout, ...spec.gateway.autoscaling, minAvailable: spec.gateway.minAvailable });
  const { apiVersion, kind, name } = rollout.rollout.toScalingTarget();
  new ResourceRecommendations(gatewayChart, 'resource-recommendations', { namespace: workload.namespace, labels: workload.labels, targets: [{ apiVersion, kind, name }] });
  new UpstreamTrafficPolicies(meshChart, 'upstreams', { namespace: workload.namespace, labels: workload.labels, routes, policy: spec.upstreamTrafficPolicy });
  new SidecarScopes(meshChart, 'sidecars', { labels: PLATFORM_LABELS, routes, gatewayExternalEgress: props.gatewayExternalEgress });
  new MeshTelemetry(meshChart, 'telemetry', { labels: PLATFORM_LABELS, samplingRatio: spec.observability.traceSamplingRatio });

  const observabilityChart = new Chart(app, 'observability');
  const observability = new WorkloadNamespace(observabilityChart, 'namespace', { name: NAMESPACES.observability });
  const storageClassName = props.storageClassName === undefined ? ENCRYPTED_STORAGE_CLASS : (props.storageClassName ?? undefined);
  new PrometheusStack(observabilityChart, 'prometheus', {
    namespace: observability.name,
    prometheusReplicas: spec.observability.prometheusReplicas,
    retention: spec.observability.prometheusRetention,
    storage: spec.observability.prometheusStorage,
    storageClassName,
    alertmanagerReplicas: spec.observability.alertmanagerReplicas,
  });
  new AlertRouting(observabilityChart, 'alert-routing', {
    namespace: observability.name,
    labels: PLATFORM_LABELS,
    selectorLabels: PLATFORM_SELECTOR,
    repeatInterval: spec.observability.alertRepeatInterval,
    inhibitions: ALERT_INHIBITIONS,
  });
  const requestsPerSecond = new RequestsPerSecondMetric(observabilityChart, 'requests-per-second', { namespace: observability.name });
  const prometheusAdapter = new PrometheusAdapter(observabilityChart, 'prometheus-adapter', {
    namespace: observability.name,
    rulesConfigMapName: requestsPerSecond.configMapName,
    replicas: spec.observability.prometheusAdapterReplicas,
  });
  const jaeger = new Jaeger(observabilityChart, 'jaeger', { namespace: observability.name, storage: spec.observability.traceStorage, storageClassName });
  const dashboard = gatewayDashboard(monitoring.selector);
  const grafana = new Grafana(observabilityChart, 'grafana', {
    namespace: observability.name,
    dashboards: { [`${dashboard.uid}.json`]: dashboard },
  });
  new ResourceRecommendations(observabilityChart, 'resource-recommendations', {
    namespace: observability.name,
    labels: PLATFORM_LABELS,
    targets: [grafana.app.controller, jaeger.app.controller, prometheusAdapter.app.controller],
  });
  new PlatformMonitoring(observabilityChart, 'platform-monitoring', { namespace: observability.name, jaegerSelector: jaeger.app.selector });
  allowEnvoyMetrics(gatewayChart, 'envoy-metrics', { namespace: gatewayNamespace.name, prometheusNamespace: observability.name });
  new ObservabilityNetworkPolicies(observabilityChart, 'network-policies', {
    namespace: observability.name,
    grafanaSelector: grafana.app.selector,
    jaegerSelector: jaeger.app.selector,
    gatewaySelector: workload.selector,
  });
  new ObservabilityAccessPolicies(observabilityChart, 'access', {
    namespace: observability.name,
    grafanaSelector: grafana.app.selector,
    jaegerSelector: jaeger.app.selector,
  });
  const policyOptions = props.policyOptions ?? repositoryPolicyOptions(resolve(__dirname, '..'));
  new PolicyBundle(new Chart(app, 'policies'), 'admission', { ...policyOptions, labels: PLATFORM_LABELS });
  return app;
}
