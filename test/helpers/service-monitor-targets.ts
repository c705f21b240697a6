import type { ManifestObject } from '../../infra/synth/validate-manifests';
import { selectorMatches } from '../../policies/k8s/label-selector';

/**
 * The pod-template hash controllers stamp on pods at run time (`pod-template-hash`,
 * `rollouts-pod-template-hash`); tests use this value wherever the hash of the running pods is
 * referenced.
 */
export const TEST_POD_TEMPLATE_HASH = 'test0hash';

export interface ServiceMonitorTarget {
  readonly serviceMonitor: string;
  /** Labels prometheus-operator's own relabelling gives every series scraped from this target. */
  readonly labels: Readonly<Record<string, string>>;
  readonly path: string;
  /** Kubernetes service-discovery labels of the target (`__meta_kubernetes_*`), input to relabelling. */
  readonly discoveryLabels: Readonly<Record<string, string>>;
  /** The endpoint's `relabelings` and `metricRelabelings` in Prometheus's form. */
  readonly relabelings: readonly object[];
  readonly metricRelabelings: readonly object[];
}

// Manifests are plain data read back from YAML.
type Manifest = any;

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Rollout'];

/** Kubernetes service discovery's label names: anything outside [a-zA-Z0-9_] becomes `_`. */
function discoveryLabels(prefix: string, labels: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([name, value]) => [`${prefix}${name.replace(/[^a-zA-Z0-9_]/g, '_')}`, value]));
}

/** A relabel config from the CRD's camelCase to Prometheus's snake_case. */
function relabelConfig(config: Manifest): object {
  const { sourceLabels, targetLabel, action, ...rest } = config;
  return {
    ...rest,
    ...(sourceLabels === undefined ? {} : { source_labels: sourceLabels }),
    ...(targetLabel === undefined ? {} : { target_label: targetLabel }),
    ...(action === undefined ? {} : { action: String(action).toLowerCase() }),
  };
}

/**
 * The scrape targets prometheus-operator derives from each ServiceMonitor endpoint, with the
 * labels it gives them (job named after the Service unless `jobLabel` says otherwise, namespace,
 * service, endpoint, pod) and what its relabelling starts from. Alert and dashboard selectors must
 * match these, so tests feed series carrying them instead of labels typed by hand.
 */
export function serviceMonitorTargets(objects: readonly ManifestObject[], podName: string): ServiceMonitorTarget[] {
  const manifests = objects as Manifest[];
  return manifests
    .filter((o) => o.kind === 'ServiceMonitor')
    .flatMap((monitor) => {
      const namespace: string = monitor.metadata.namespace;
      const inNamespace = manifests.filter((o) => o.metadata.namespace === namespace);
      const services = inNamespace.filter((o) => o.kind === 'Service' && selectorMatches(monitor.spec.selector, o.metadata.labels ?? {}));
      return services.flatMap((service) => {
        const workload = inNamespace.find((o) => WORKLOAD_KINDS.includes(o.kind) && selectorMatches({ matchLabels: service.spec.selector ?? {} }, o.spec.template.metadata.labels ?? {}));
        const podLabels = { ...workload?.spec.template.metadata.labels, 'pod-template-hash': TEST_POD_TEMPLATE_HASH, 'rollouts-pod-template-hash': TEST_POD_TEMPLATE_HASH };
        return (monitor.spec.endpoints as Manifest[])
          .filter((endpoint) => (service.spec.ports as Manifest[]).some((port) => port.name === endpoint.port))
          .map((endpoint) => ({
            serviceMonitor: `${namespace}/${monitor.metadata.name}`,
            labels: {
              job: monitor.spec.jobLabel === undefined ? service.metadata.name : service.metadata.labels[monitor.spec.jobLabel],
              namespace,
              service: service.metadata.name,
              endpoint: endpoint.port,
              pod: podName,
            },
            path: endpoint.path ?? '/metrics',
            discoveryLabels: {
              __meta_kubernetes_namespace: namespace,
              __meta_kubernetes_service_name: service.metadata.name,
              __meta_kubernetes_pod_name: podName,
              __meta_kubernetes_endpoint_port_name: endpoint.port,
              ...discoveryLabels('__meta_kubernetes_service_label_', service.metadata.labels),
              ...discoveryLabels('__meta_kubernetes_pod_label_', podLabels),
            },
            relabelings: ((endpoint.relabelings ?? []) as Manifest[]).map(relabelConfig),
            metricRelabelings: ((endpoint.metricRelabelings ?? []) as Manifest[]).map(relabelConfig),
          }));
      });
    });
}

/**
 * A Prometheus scrape config for one target at `address`, relabelled as prometheus-operator does:
 * its standard target labels first, then the endpoint's own relabelings, so Prometheus itself
 * applies them to the discovery labels.
 */
export function scrapeConfigFor(target: ServiceMonitorTarget, address: string, interval: string): object {
  return {
    job_name: target.serviceMonitor,
    scrape_interval: interval,
    metrics_path: target.path,
    static_configs: [{ targets: [address], labels: target.discoveryLabels }],
    relabel_configs: [
      ...Object.entries(target.labels).map(([label, value]) => ({ target_label: label, replacement: value })),
      ...target.relabelings,
    ],
    metric_relabel_configs: target.metricRelabelings,
  };
}

/** The one ServiceMonitor target in `namespace`, e.g. the gateway's admin port. */
export function targetInNamespace(targets: readonly ServiceMonitorTarget[], namespace: string): ServiceMonitorTarget {
  const found = targets.filter((target) => target.labels.namespace === namespace);
  if (found.length !== 1) throw new Error(`expected one ServiceMonitor target in namespace ${namespace}, found ${found.map((t) => t.serviceMonitor).join(', ') || 'none'}`);
  return found[0]!;
}

/** The target of the ServiceMonitor named `namespace/name`, e.g. `observability/prometheus`. */
export function targetOfMonitor(targets: readonly ServiceMonitorTarget[], serviceMonitor: string): ServiceMonitorTarget {
  const found = targets.filter((target) => target.serviceMonitor === serviceMonitor);
  if (found.length !== 1) throw new Error(`expected one target of ServiceMonitor ${serviceMonitor}, found ${found.length} among ${targets.map((t) => t.serviceMonitor).join(', ') || 'none'}`);
  return found[0]!;
}
