import type { z } from 'zod';
import { ENV_VARS, LATENCY_BUCKETS_SECONDS, METRICS, routeTableSchema, type RouteTable } from '../../app/src/contract';
import { upstreamServiceKey, upstreamServices } from '../k8s/upstream-services';
import { DEFAULTS_FILE } from './defaults';
import { appendPath } from './field-path';
import { environmentSpecSchema, type DeclarationSite, type EnvironmentSpec, type RolloutSpec, type SloSpec } from './types';

/**
 * A spec that cannot be synthesized. Every problem is one line naming the file that declares the
 * field, the field as written there, the value and the rule:
 * `infra/environments/dev.ts: gateway.autoscaling.minReplicas (4) must not exceed gateway.autoscaling.maxReplicas (3)`.
 */
export class EnvironmentError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'EnvironmentError';
  }
}

/** `(4) `, `("api/users") `: the offending value, when it is short enough to quote. */
function quoted(value: unknown): string {
  if (typeof value === 'string') return `(${JSON.stringify(value)}) `;
  if (typeof value === 'number' || typeof value === 'boolean') return `(${String(value)}) `;
  return '';
}

/** A problem at one field, before the file is known. */
interface FieldProblem {
  readonly path: string;
  readonly text: string;
}

/**
 * One zod issue in the words of every environment message: `<path> (<value>) <rule>`, `<path> is
 * required`, `<path> is not a setting (did you mean ...?)`. `suggest` offers a known key for a
 * misspelt one.
 */
function describeIssue(issue: z.core.$ZodIssue, path: string, suggest: (key: string) => string | undefined): FieldProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const setting = appendPath(path, [key]);
      const closest = suggest(key);
      return { path: setting, text: `${setting} is not a setting${closest === undefined ? '' : ` (did you mean ${appendPath(path, [closest])}?)`}: remove or correct it` };
    });
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return [{ path, text: `${path} is required` }];
  // A record key's own rule says what the key should look like; the outer issue only says "invalid key".
  const rule = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  const message = rule.charAt(0).toLowerCase() + rule.slice(1);
  return [{ path, text: `${path} ${quoted(issue.input)}${message}` }];
}

/** The known name closest to a misspelt one (at most two edits away), for "did you mean". */
function closestKey(key: string, known: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let diagonal = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const above = row[j]!;
        row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length]!;
  };
  let best: { candidate: string; d: number } | undefined;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d <= 2 && (best === undefined || d < best.d)) best = { candidate, d };
  }
  return best?.candidate;
}

/** The settings the spec schema knows at `path`, for "did you mean" on a misspelt key. */
function suggestSetting(path: readonly PropertyKey[], key: string): string | undefined {
  let schema: unknown = environmentSpecSchema;
  for (const segment of path) schema = typeof segment === 'string' ? (schema as { shape?: Record<string, unknown> } | undefined)?.shape?.[segment] : undefined;
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape === undefined ? undefined : closestKey(key, Object.keys(shape));
}

/**
 * Checks an environment spec before anything is synthesized from it and returns its route table
 * as the gateway will read it (through the gateway's own schema). Reports every problem at once.
 */
export function validateEnvironment(spec: EnvironmentSpec): RouteTable {
  const { source } = spec;
  /** The file that declares these fields: the environment's when it declares any of them, else the defaults. */
  const within = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
  const fileOf = (...paths: string[]): string =>
    paths.some((path) => source.declared.some((declared) => within(path, declared) || within(declared, path))) ? source.file : DEFAULTS_FILE;
  const problems: string[] = [...source.routeTable.problems];

  const shape = environmentSpecSchema.safeParse(spec, { reportInput: true });
  if (!shape.success) {
    for (const issue of shape.error.issues) {
      for (const { path, text } of describeIssue(issue, appendPath('', issue.path), (key) => suggestSetting(issue.path, key))) problems.push(`${fileOf(path)}: ${text}`);
    }
    // The rules below read the fields the schema just refused.
    throw new EnvironmentError(problems);
  }

  const routes = routeTableProblems(spec, problems);
  const fail = (paths: readonly string[], rule: string): void => {
    problems.push(`${fileOf(...paths)}: ${rule}`);
  };
  const { gateway, faultInjection, observability } = spec;
  const { minReplicas, maxReplicas } = gateway.autoscaling;
  const min = 'gateway.autoscaling.minReplicas';
  const max = 'gateway.autoscaling.maxReplicas';
  if (minReplicas < 1) fail([min], `${min} (${minReplicas}) must be at least 1`);
  if (minReplicas > maxReplicas) fail([min, max], `${min} (${minReplicas}) must not exceed ${max} (${maxReplicas})`);
  if (minReplicas > 1 && gateway.minAvailable >= minReplicas) {
    fail(['gateway.minAvailable', min], `gateway.minAvailable (${gateway.minAvailable}) must be below ${min} (${minReplicas}) or node drains block`);
  }
  for (const key of ['cpuUtilizationPercent', 'memoryUtilizationPercent'] as const) {
    const value = gateway.autoscaling[key];
    if (!(value >= 1 && value <= 100)) fail([`gateway.autoscaling.${key}`], `gateway.autoscaling.${key} (${value}) must be 1..100`);
  }
  if (gateway.drainDelayMs >= gateway.shutdownTimeoutMs) {
    fail(
      ['gateway.drainDelayMs', 'gateway.shutdownTimeoutMs'],
      `gateway.drainDelayMs (${gateway.drainDelayMs}) must be below gateway.shutdownTimeoutMs (${gateway.shutdownTimeoutMs}): the shutdown timeout counts from SIGTERM`,
    );
  }
  for (const { paths, rule } of rolloutProblems(spec.rollout)) fail(paths, rule);
  if (faultInjection.enabled && !(faultInjection.delayPercent > 0 && faultInjection.delayPercent <= 100)) {
    fail(['faultInjection.delayPercent', 'faultInjection.enabled'], `faultInjection.delayPercent (${faultInjection.delayPercent}) must be above 0 and at most 100 when faultInjection.enabled`);
  }
  if (!(observability.traceSamplingRatio >= 0 && observability.traceSamplingRatio <= 1)) {
    fail(['observability.traceSamplingRatio'], `observability.traceSamplingRatio (${observability.traceSamplingRatio}) must be 0..1`);
  }
  for (const { paths, rule } of sloProblems(spec.slo)) fail(paths, rule);
  if (spec.ingress.hosts.length === 0) fail(['ingress.hosts'], 'ingress.hosts must list at least one host name');
  for (const { paths, rule } of clientAddressProblems(spec.clientAddress)) fail(paths, rule);
  if (routes !== undefined) {
    const dialled = upstreamServices(routes).map(upstreamServiceKey);
    for (const key of Object.keys(spec.upstreamTargetPorts).filter((declared) => !dialled.includes(declared))) {
      fail([`upstreamTargetPorts.${key}`], `upstreamTargetPorts["${key}"] names no Service port the routes send to (${dialled.join(', ')}): remove it or correct the key`);
    }
  }

  if (problems.length > 0 || routes === undefined) throw new EnvironmentError(problems);
  return routes;
}

/**
 * Runs the route table through the gateway's own schema and reports each problem where the route
 * was written (`infra/environments/dev.ts: routes.add[0].upstream.port ...`), not at its position in
 * the composed table. Returns the table as the gateway reads it, or undefined when it is refused.
 */
function routeTableProblems(spec: EnvironmentSpec, problems: string[]): RouteTable | undefined {
  const { routeOrigins, tcpOrigins } = spec.source.routeTable;
  const { file } = spec.source;
  const originOf = (list: unknown, index: number): DeclarationSite | undefined => (list === 'routes' ? routeOrigins : list === 'tcp' ? tcpOrigins : undefined)?.[index];
  /** Rewrites `routes[2]` inside a message to where that route was written. */
  const relocate = (text: string, issueFile: string) =>
    text.replace(/\b(routes|tcp)\[(\d+)\]/g, (whole, list: string, index: string) => {
      const origin = originOf(list, Number(index));
      if (origin === undefined) return whole;
      return origin.file === issueFile ? origin.path : `${origin.path} in ${origin.file}`;
    });

  const result = routeTableSchema.safeParse(spec.routes, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) {
      const [list, index, ...rest] = issue.path;
      const origin = typeof index === 'number' ? originOf(list, index) : undefined;
      const issueFile = origin?.file ?? (spec.source.declared.some((d) => d.startsWith('routes.')) ? file : DEFAULTS_FILE);
      const path = origin === undefined ? appendPath('routes', issue.path) : appendPath(origin.path, rest);
      for (const { text } of describeIssue(issue, path, () => undefined)) problems.push(`${issueFile}: ${relocate(text, issueFile)}`);
    }
  }
  spec.routes.routes.forEach((route, index) => {
    if (route.upstream?.service !== undefined) return;
    const origin = routeOrigins[index] ?? { file, path: `routes.routes[${index}]` };
    problems.push(
      `${origin.file}: ${origin.path}.upstream must name a Kubernetes Service (service, namespace, port): the egress NetworkPolicy only opens declared upstream namespaces`,
    );
  });
  return result.success ? result.data : undefined;
}

function sloProblems(slo: SloSpec): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const objective = (path: string, value: number) => {
    if (!(value > 0 && value < 1)) problems.push({ paths: [path], rule: `${path} (${value}) must be above 0 and below 1: a share of requests, leaving an error budget` });
  };
  objective('slo.availability', slo.availability);
  objective('slo.latency.objective', slo.latency.objective);
  if (!(LATENCY_BUCKETS_SECONDS as readonly number[]).includes(slo.latency.thresholdSeconds)) {
    problems.push({
      paths: ['slo.latency.thresholdSeconds'],
      rule: `slo.latency.thresholdSeconds (${slo.latency.thresholdSeconds}) must be a bucket bound of ${METRICS.requestDuration.name} (${LATENCY_BUCKETS_SECONDS.join(', ')}): the fast share is read from one bucket`,
    });
  }
  return problems;
}

function clientAddressProblems({ trustedProxyHops, trustedProxyCidrs }: EnvironmentSpec['clientAddress']): RuleProblem[] {
  const hops = 'clientAddress.trustedProxyHops';
  const cidrs = 'clientAddress.trustedProxyCidrs';
  const problems: RuleProblem[] = [];
  // The gateway's own schema for the variable these become part of (UAG_TRUSTED_PROXIES).
  trustedProxyCidrs.forEach((cidr, index) => {
    if (!ENV_VARS.UAG_TRUSTED_PROXIES.schema.safeParse(cidr).success) problems.push({ paths: [cidrs], rule: `${cidrs}[${index}] (${cidr}) must be an IP address or CIDR, e.g. 192.0.2.0/24` });
  });
  if (trustedProxyHops === 0 && trustedProxyCidrs.length > 0) {
    problems.push({
      paths: [hops, cidrs],
      rule: `${cidrs} (${trustedProxyCidrs.join(', ')}) must be empty while ${hops} is 0: the gateway would skip the client's own address whenever it falls in them, and believe what that client wrote into X-Forwarded-For`,
    });
  }
  if (trustedProxyHops > 0 && trustedProxyCidrs.length === 0) {
    problems.push({ paths: [hops, cidrs], rule: `${cidrs} must list the addresses of the ${trustedProxyHops} proxies in front of the load balancer (${hops} is ${trustedProxyHops}), or every client is that proxy` });
  }
  return problems;
}

/** Argo Rollouts and Prometheus durations this platform writes: a whole number of s, m or h. */
const DURATION = /^[1-9][0-9]*[smh]$/;

interface RuleProblem {
  /** The fields the rule reads, to attribute it to the file that declares them. */
  readonly paths: readonly string[];
  readonly rule: string;
}

function rolloutProblems(rollout: RolloutSpec): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const problem = (rule: string, ...fields: string[]) => problems.push({ paths: fields.map((f) => `rollout.${f}`), rule });
  const { strategy, analysis } = rollout;
  const duration = (field: string, value: string, manualAllowed: boolean) => {
    if (!DURATION.test(value) && !(manualAllowed && value === 'manual')) {
      problem(`rollout.${field} (${value}) must be a duration like 30s, 5m or 1h${manualAllowed ? ", or 'manual'" : ''}`, field);
    }
  };
  if (strategy.type === 'canary') {
    if (strategy.stages.length === 0) problem('rollout.strategy.stages must list at least one stage', 'strategy');
    strategy.stages.forEach((stage, index) => {
      const previous = index === 0 ? 0 : strategy.stages[index - 1]!.weightPercent;
      if (!(stage.weightPercent > previous && stage.weightPercent <= 100)) {
        problem(`rollout.strategy.stages[${index}].weightPercent (${stage.weightPercent}) must be above the previous stage's (${previous}) and at most 100`, 'strategy');
      }
      if (stage.pause !== undefined) duration(`strategy.stages[${index}].pause`, stage.pause, true);
    });
    if (strategy.previewPause !== undefined) duration('strategy.previewPause', strategy.previewPause, true);
  }
  if (!/^[a-z0-9][a-z0-9-]*$/.test(rollout.previewHeaderName)) problem(`rollout.previewHeaderName (${rollout.previewHeaderName}) must be a lower-case header name`, 'previewHeaderName');
  if (strategy.type === 'blueGreen' && rollout.previewTesterCidrs.length === 0) {
    problem(
      'rollout.previewTesterCidrs must list at least one CIDR with a blueGreen strategy: the preview pods only get requests carrying the preview header, and its analysis needs them',
      'previewTesterCidrs',
      'strategy',
    );
  }
  if (!(Number.isInteger(rollout.previewReplicas) && rollout.previewReplicas >= 1)) {
    problem(`rollout.previewReplicas (${rollout.previewReplicas}) must be a whole number of at least 1`, 'previewReplicas');
  }
  duration('analysis.interval', analysis.interval, false);
  duration('analysis.window', analysis.window, false);
  if (!(Number.isInteger(analysis.count) && analysis.count >= 1)) problem(`rollout.analysis.count (${analysis.count}) must be a whole number of at least 1`, 'analysis.count');
  if (!(Number.isInteger(analysis.failureLimit) && analysis.failureLimit >= 0 && analysis.failureLimit < analysis.count)) {
    problem(
      `rollout.analysis.failureLimit (${analysis.failureLimit}) must be a whole number from 0 to below rollout.analysis.count (${analysis.count})`,
      'analysis.failureLimit',
      'analysis.count',
    );
  }
  if (!(analysis.maxErrorRatio >= 0 && analysis.maxErrorRatio < 1)) {
    problem(`rollout.analysis.maxErrorRatio (${analysis.maxErrorRatio}) must be at least 0 and below 1`, 'analysis.maxErrorRatio');
  }
  if (!(analysis.maxLatencyP95Seconds > 0)) problem(`rollout.analysis.maxLatencyP95Seconds (${analysis.maxLatencyP95Seconds}) must be above 0`, 'analysis.maxLatencyP95Seconds');
  return problems;
}
