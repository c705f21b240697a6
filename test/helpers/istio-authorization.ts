import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { ManifestObject } from '../../infra/synth/validate-manifests';

/**
 * Istio's AuthorizationPolicy decision for one request, as the RBAC filters istiod generates
 * decide it (semantics from security/v1beta1/authorization_policy.proto in istio/api at 1.29.2):
 *
 * - a policy applies to a workload when it is in the workload's namespace or in the root
 *   namespace, and its `selector` (if any) matches the workload's labels;
 * - any matching DENY policy denies; then, if any ALLOW policy applies, one must match (an ALLOW
 *   policy with no rules, such as an empty spec, matches nothing: allow-nothing);
 * - a rule matches when one `from` source, one `to` operation and every `when` condition match;
 *   fields of a source or operation are ANDed, values within a field ORed;
 * - strings match exactly, by prefix (`abc*`), by suffix (`*abc`) or by presence (`*`);
 * - on TCP, HTTP-only attributes (hosts, methods, paths, request principals, headers) cannot be
 *   read: an ALLOW rule using them matches nothing, a DENY rule treats them as matched.
 *
 * Fields this model does not know throw, so a policy it cannot judge never passes silently.
 */

/** The namespace Istio reads mesh-wide policies from (meshConfig.rootNamespace, default istio-system). */
export const ISTIO_ROOT_NAMESPACE = 'istio-system';

export interface MeshRequest {
  /** Namespace and labels of the workload receiving the request. */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The port the connection arrived on at that workload. */
  readonly port: number;
  readonly protocol: 'http' | 'tcp';
  /** mTLS identity of the peer, `cluster.local/ns/<ns>/sa/<sa>`; absent for plain text. */
  readonly principal?: string;
  /** The client's address as the proxy determined it (`remote.ip`). */
  readonly remoteIp?: string;
  /** HTTP request headers, lower-case names. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly method?: string;
  readonly path?: string;
}

export interface AuthorizationDecision {
  readonly allowed: boolean;
  /** `DENY <namespace>/<name>`, `ALLOW <namespace>/<name>`, `no ALLOW policy matched` or `no policy`. */
  readonly reason: string;
}

// Manifests are plain data read back from YAML.
type Manifest = any;

const HTTP_ONLY = Symbol('http-only attribute on a TCP connection');
type FieldResult = boolean | typeof HTTP_ONLY;

function stringMatches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern === '*') return value !== '';
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return value === pattern;
}

function ipInBlocks(blocks: readonly string[], ip: string | undefined): boolean {
  if (ip === undefined) return false;
  const list = new BlockList();
  for (const block of blocks) {
    const [address, prefix] = block.split('/');
    const type = isIPv6(address!) ? 'ipv6' : 'ipv4';
    if (!isIPv4(address!) && !isIPv6(address!)) throw new Error(`not an IP block: ${block}`);
    if (prefix === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(prefix), type);
  }
  return list.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
}

type FieldCheck = (values: readonly string[], request: MeshRequest) => FieldResult;

const any = (values: readonly string[], value: string | undefined) => values.some((pattern) => stringMatches(pattern, value));
const httpOnly = (check: (values: readonly string[], request: MeshRequest) => boolean): FieldCheck => (values, request) =>
  request.protocol === 'tcp' ? HTTP_ONLY : check(values, request);

const SOURCE_FIELDS: Readonly<Record<string, FieldCheck>> = {
  principals: (values, r) => any(values, r.principal),
  notPrincipals: (values, r) => !any(values, r.principal),
  namespaces: (values, r) => any(values, /\/ns\/([^/]+)\//.exec(r.principal ?? '')?.[1]),
  notNamespaces: (values, r) => !any(values, /\/ns\/([^/]+)\//.exec(r.principal ?? '')?.[1]),
  remoteIpBlocks: (values, r) => ipInBlocks(values, r.remoteIp),
  notRemoteIpBlocks: (values, r) => !ipInBlocks(values, r.remoteIp),
};

const OPERATION_FIELDS: Readonly<Record<string, FieldCheck>> = {
  ports: (values, r) => values.includes(String(r.port)),
  notPorts: (values, r) => !values.includes(String(r.port)),
  methods: httpOnly((values, r) => any(values, r.method)),
  notMethods: httpOnly((values, r) => !any(values, r.method)),
  paths: httpOnly((values, r) => any(values, r.path)),
  notPaths: httpOnly((values, r) => !any(values, r.path)),
};

function conditionMatches(condition: Manifest, request: MeshRequest): FieldResult {
  const header = /^request\.headers\[([^\]]+)\]$/.exec(String(condition.key));
  if (header === null) throw new Error(`condition key ${condition.key} is not modelled; add it to istio-authorization.ts`);
  if (request.protocol === 'tcp') return HTTP_ONLY;
  const value = request.headers?.[header[1]!.toLowerCase()];
  const values = (condition.values ?? []) as string[];
  const notValues = (condition.notValues ?? []) as string[];
  return (values.length === 0 || any(values, value)) && !any(notValues, value);
}

/** ANDs a source's or an operation's fields; an HTTP-only field on TCP counts as matched in DENY rules, unmatched in ALLOW rules. */
function fieldsMatch(object: Manifest, fields: Readonly<Record<string, FieldCheck>>, request: MeshRequest, action: string, what: string): boolean {
  return Object.entries(object ?? {}).every(([field, values]) => {
    const check = fields[field];
    if (check === undefined) throw new Error(`${what}.${field} is not modelled; add it to istio-authorization.ts`);
    const result = check(values as string[], request);
    return result === HTTP_ONLY ? action === 'DENY' : result;
  });
}

function ruleMatches(rule: Manifest, request: MeshRequest, action: string): boolean {
  const from = (rule.from ?? []) as Manifest[];
  const to = (rule.to ?? []) as Manifest[];
  const when = (rule.when ?? []) as Manifest[];
  return (
    (from.length === 0 || from.some((f) => fieldsMatch(f.source, SOURCE_FIELDS, request, action, 'source'))) &&
    (to.length === 0 || to.some((t) => fieldsMatch(t.operation, OPERATION_FIELDS, request, action, 'operation'))) &&
    when.every((condition) => {
      const result = conditionMatches(condition, request);
      return result === HTTP_ONLY ? action === 'DENY' : result;
    })
  );
}

function applies(policy: Manifest, request: MeshRequest): boolean {
  const namespace = policy.metadata.namespace;
  if (namespace !== request.namespace && namespace !== ISTIO_ROOT_NAMESPACE) return false;
  if (policy.spec?.targetRefs !== undefined || policy.spec?.targetRef !== undefined) throw new Error('targetRefs are not modelled; add them to istio-authorization.ts');
  const matchLabels = (policy.spec?.selector?.matchLabels ?? {}) as Record<string, string>;
  // A root-namespace policy without a selector applies to every workload of the mesh.
  return Object.entries(matchLabels).every(([key, value]) => request.labels[key] === value);
}

/** The decision Istio's generated RBAC filters make for `request` under the AuthorizationPolicies among `objects`. */
export function authorize(objects: readonly ManifestObject[], request: MeshRequest): AuthorizationDecision {
  const policies = (objects as Manifest[]).filter((o) => o.kind === 'AuthorizationPolicy' && applies(o, request));
  const name = (policy: Manifest) => `${policy.metadata.namespace}/${policy.metadata.name}`;
  for (const policy of policies) {
    const action = policy.spec?.action ?? 'ALLOW';
    if (action !== 'ALLOW' && action !== 'DENY') throw new Error(`action ${action} of ${name(policy)} is not modelled`);
  }
  const denying = policies.find((p) => p.spec?.action === 'DENY' && ((p.spec.rules ?? []) as Manifest[]).some((rule) => ruleMatches(rule, request, 'DENY')));
  if (denying !== undefined) return { allowed: false, reason: `DENY ${name(denying)}` };
  const allowPolicies = policies.filter((p) => (p.spec?.action ?? 'ALLOW') === 'ALLOW');
  if (allowPolicies.length === 0) return { allowed: true, reason: 'no policy' };
  const allowing = allowPolicies.find((p) => ((p.spec?.rules ?? []) as Manifest[]).some((rule) => ruleMatches(rule, request, 'ALLOW')));
  return allowing === undefined ? { allowed: false, reason: 'no ALLOW policy matched' } : { allowed: true, reason: `ALLOW ${name(allowing)}` };
}
