import type { ManifestObject } from '../../infra/synth/validate-manifests';

export interface ServiceMonitorTarget {
  readonly serviceMonitor: string;
  /** Labels prometheus-operator attaches to every series scraped from this target. */
  readonly labels: Readonly<Record<string, string>>;
  readonly path: string;
  readonly interval: string;
}

// Manifests are plain data read back from YAML.
type Manifest = any;

function matchesLabels(labels: Record<string, string> | undefined, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([key, value]) => labels?.[key] === value);
}

/**
 * The scrape targets prometheus-operator derives from each ServiceMonitor endpoint, with the
 * labels it gives them (job named after the Service unless `jobLabel` says otherwise, namespace,
 * service, endpoint, pod). Alert and dashboard selectors must match these, so tests feed series
 * carrying them instead of labels typed by hand.
 */
export function serviceMonitorTargets(objects: readonly ManifestObject[], podName: string): ServiceMonitorTarget[] {
  const manifests = objects as Manifest[];
  return manifests
    .filter((o) => o.kind === 'ServiceMonitor')
    .flatMap((monitor) => {
      const namespace: string = monitor.metadata.namespace;
      const services = manifests.filter(
        (o) => o.kind === 'Service' && o.metadata.namespace === namespace && matchesLabels(o.metadata.labels, monitor.spec.selector.matchLabels ?? {}),
      );
      return services.flatMap((service) =>
        (monitor.spec.endpoints as Manifest[])
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
            interval: endpoint.interval ?? '30s',
          })),
      );
    });
}
