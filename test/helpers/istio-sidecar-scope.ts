import { BlockList, isIPv4 } from 'node:net';
import type { ManifestObject } from '../../infra/synth/validate-manifests';
import { ISTIO_ROOT_NAMESPACE } from './istio-authorization';

/**
 * Where a sidecar sends an outbound connection, as Istio 1.29.2 builds the proxy's configuration
 * (semantics from networking/v1alpha3/sidecar.proto and mesh/v1alpha1/config.proto in istio/api at
 * 1.29.2; pilot/pkg/model/sidecar.go, push_context.go and networking/core/httproute.go,
 * listener_builder.go in istio/istio at 1.29.2):
 *
 * - the Sidecar that applies to a workload is the one in its namespace whose `workloadSelector`
 *   matches its labels, else its namespace's Sidecar without selector, else the root namespace's
 *   Sidecar without selector, else none (every exported service imported, `*\/*`); two candidates
 *   at the same level are undefined behaviour and throw here;
 * - egress hosts are `namespace/dnsName`: namespace `.` is the Sidecar's own, `*` any; dnsName `*`
 *   is any host, `*.suffix` a wildcard, anything else exact; a wildcard service host (a
 *   ServiceEntry's `*.x`) is imported only by an equal or wider pattern (host.Name.SubsetOf);
 * - a service is visible to the namespace when it is a Kubernetes Service or a ServiceEntry whose
 *   `exportTo` is absent, contains `*`, or names that namespace (`.` for its own);
 * - a connection to an imported service (by name, or to an address a ServiceEntry lists, on one
 *   of its ports) goes to that service's cluster, with mesh mTLS when the peer has a sidecar;
 * - anything else is unmatched: ALLOW_ANY passes it to the address dialled, in plain text
 *   (PassthroughCluster), REGISTRY_ONLY refuses it (BlackHoleCluster; 502 on HTTP ports). The
 *   Sidecar's `outboundTrafficPolicy` overrides the mesh's.
 *
 * Fields this model does not know throw, so a resource it cannot judge never passes silently.
 */

export type OutboundMode = 'REGISTRY_ONLY' | 'ALLOW_ANY';

/** A service in the registry besides the ServiceEntries among the objects: a Kubernetes Service. */
export interface RegistryService {
  readonly name: string;
  readonly namespace: string;
  readonly ports: readonly number[];
}

export interface OutboundConnection {
  /** The workload opening it. */
  readonly from: { readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
  /** What it dials: a Service's DNS name, or an address (a pod, a node, something outside the cluster). */
  readonly to: { readonly host: string } | { readonly address: string };
  readonly port: number;
}

export type OutboundDecision =
  | { readonly result: 'service'; readonly cluster: string; readonly sidecar: string }
  | { readonly result: 'passthrough'; readonly sidecar: string }
  | { readonly result: 'refused'; readonly sidecar: string };

// Manifests are plain data read back from YAML.
type Manifest = any;

const KNOWN_SIDECAR_FIELDS = new Set(['workloadSelector', 'egress', 'outboundTrafficPolicy']);
const KNOWN_EGRESS_FIELDS = new Set(['hosts']);
const KNOWN_ENTRY_FIELDS = new Set(['hosts', 'addresses', 'ports', 'location', 'resolution', 'exportTo']);

function name(object: Manifest): string {
  return `${object.metadata.namespace}/${object.metadata.name}`;
}

function only(fields: Set<string>, object: Manifest, what: string): void {
  for (const field of Object.keys(object ?? {})) if (!fields.has(field)) throw new Error(`${what}.${field} is not modelled; add it to istio-sidecar-scope.ts`);
}

/** The Sidecar that configures a workload's proxy, or undefined (the default scope). */
export function applicableSidecar(objects: readonly ManifestObject[], workload: OutboundConnection['from']): Manifest | undefined {
  const sidecars = (objects as Manifest[]).filter((o) => o.kind === 'Sidecar');
  for (const sidecar of sidecars) only(KNOWN_SIDECAR_FIELDS, sidecar.spec, `Sidecar ${name(sidecar)} spec`);
  const single = (candidates: Manifest[], level: string): Manifest | undefined => {
    if (candidates.length > 1) throw new Error(`${level}: ${candidates.map(name).join(', ')} all apply, which Istio leaves undefined`);
    return candidates[0];
  };
  const selects = (sidecar: Manifest) => Object.entries((sidecar.spec.workloadSelector?.labels ?? {}) as Record<string, string>).every(([key, value]) => workload.labels[key] === value);
  const inNamespace = sidecars.filter((s) => s.metadata.namespace === workload.namespace);
  return (
    single(inNamespace.filter((s) => s.spec.workloadSelector !== undefined && selects(s)), `workload-selected Sidecars in ${workload.namespace}`) ??
    single(inNamespace.filter((s) => s.spec.workloadSelector === undefined), `namespace-wide Sidecars in ${workload.namespace}`) ??
    single(sidecars.filter((s) => s.metadata.namespace === ISTIO_ROOT_NAMESPACE && s.spec.workloadSelector === undefined), 'root namespace Sidecars')
  );
}

/** `pattern` as Istio's host.Name matching reads it; `host` may itself be a wildcard. */
function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    return host.startsWith('*.') ? host.slice(1).endsWith(suffix) : host.endsWith(suffix) && host.length > suffix.length;
  }
  return !host.startsWith('*') && pattern === host;
}

interface Visible {
  readonly hostname: string;
  readonly namespace: string;
  readonly ports: readonly number[];
  readonly addresses: readonly string[];
}

function serviceEntries(objects: readonly ManifestObject[], namespace: string): Visible[] {
  return (objects as Manifest[])
    .filter((o) => o.kind === 'ServiceEntry')
    .filter((entry) => {
      only(KNOWN_ENTRY_FIELDS, entry.spec, `ServiceEntry ${name(entry)} spec`);
      const exportTo = (entry.spec.exportTo ?? ['*']) as string[];
      return exportTo.includes('*') || exportTo.includes(namespace) || (exportTo.includes('.') && entry.metadata.namespace === namespace);
    })
    .flatMap((entry) =>
      (entry.spec.hosts as string[]).map((hostname) => ({
        hostname,
        namespace: entry.metadata.namespace,
        ports: (entry.spec.ports as { number: number }[]).map((p) => p.number),
        addresses: (entry.spec.addresses ?? []) as string[],
      })),
    );
}

function imports(hosts: readonly string[], sidecarNamespace: string, service: Visible): boolean {
  return hosts.some((entry) => {
    const parts = entry.split('/');
    if (parts.length !== 2) throw new Error(`Sidecar host ${entry} is not namespace/dnsName`);
    const [namespace, dnsName] = parts as [string, string];
    if (namespace === '~') return false;
    const resolved = namespace === '.' ? sidecarNamespace : namespace;
    return (resolved === '*' || resolved === service.namespace) && hostMatches(dnsName, service.hostname);
  });
}

function inRange(ranges: readonly string[], address: string): boolean {
  const list = new BlockList();
  for (const range of ranges) {
    const [base, prefix] = range.split('/');
    const type = isIPv4(base!) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(base!, type);
    else list.addSubnet(base!, Number(prefix), type);
  }
  return list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
}

/** Where the proxy of `connection.from` sends the connection, under the mesh's outbound policy `meshMode`. */
export function routeOutbound(objects: readonly ManifestObject[], registry: readonly RegistryService[], meshMode: OutboundMode, connection: OutboundConnection): OutboundDecision {
  const sidecar = applicableSidecar(objects, connection.from);
  const sidecarName = sidecar === undefined ? 'none (every service imported)' : name(sidecar);
  const egress = (sidecar?.spec.egress ?? [{ hosts: ['*/*'] }]) as Manifest[];
  for (const listener of egress) only(KNOWN_EGRESS_FIELDS, listener, `Sidecar ${sidecarName} egress`);
  const hosts = egress.flatMap((listener) => listener.hosts as string[]);
  const kubernetes: Visible[] = registry.map((s) => ({ hostname: `${s.name}.${s.namespace}.svc.cluster.local`, namespace: s.namespace, ports: s.ports, addresses: [] }));
  const imported = [...kubernetes, ...serviceEntries(objects, connection.from.namespace)].filter((service) => imports(hosts, connection.from.namespace, service) && service.ports.includes(connection.port));
  const to = connection.to;
  const match = 'host' in to ? imported.find((s) => hostMatches(s.hostname, to.host)) : imported.find((s) => s.addresses.length > 0 && inRange(s.addresses, to.address));
  if (match !== undefined) return { result: 'service', cluster: `outbound|${connection.port}||${match.hostname}`, sidecar: sidecarName };
  const mode = (sidecar?.spec.outboundTrafficPolicy?.mode ?? meshMode) as OutboundMode;
  return { result: mode === 'ALLOW_ANY' ? 'passthrough' : 'refused', sidecar: sidecarName };
}
