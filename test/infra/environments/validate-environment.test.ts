import { ENVIRONMENTS, ENVIRONMENT_DEFAULTS, EnvironmentError, defineEnvironment, validateEnvironment, type EnvironmentOverrides } from '../../../infra/environments';

const base: EnvironmentOverrides = { name: 'staging', ingress: { hosts: ['api.test.example.com'], tlsCredentialName: 'test-tls' } };

function problemsOf(overrides: Omit<EnvironmentOverrides, 'name' | 'ingress'>): readonly string[] {
  try {
    validateEnvironment(defineEnvironment({ ...base, ...overrides }));
  } catch (error) {
    if (error instanceof EnvironmentError) return error.problems;
    throw error;
  }
  throw new Error('expected the spec to be rejected');
}

describe('validateEnvironment', () => {
  it.each(Object.values(ENVIRONMENTS))('accepts the $name environment and returns its route table with defaults filled', (spec) => {
    const table = validateEnvironment(spec);
    expect(table.routes.map((r) => r.name)).toEqual(spec.routes.routes.map((r) => r.name));
    expect(table.routes.every((r) => r.timeoutMs > 0)).toBe(true);
  });

  it('rejects a route the gateway schema rejects, naming the file and the route as the user wrote it', () => {
    const problems = problemsOf({
      routes: { add: [{ name: 'billing', match: { pathPrefix: 'api/billing' }, upstream: { service: 'billing', namespace: 'billing' } }] },
    });
    expect(problems).toEqual([
      `infra/environments/staging.ts: routes.add[0].match.pathPrefix ("api/billing") must start with "/"`,
      `infra/environments/staging.ts: routes.add[0].upstream.port is required with "service" (1..65535)`,
    ]);
  });

  it('names the route a conflict is with where that route was written', () => {
    const shared = ENVIRONMENT_DEFAULTS.routes.routes[0]!;
    const problems = problemsOf({ routes: { add: [{ name: 'shadow', match: { pathPrefix: shared.match.pathPrefix }, upstream: { service: 'shadow', namespace: 'shadow', port: 80 } }] } });
    expect(problems).toEqual([
      `infra/environments/staging.ts: routes.add[0].match matches the same requests as routes.routes[0] in infra/environments/defaults.ts ("${shared.name}"); give it a different pathPrefix, host or methods`,
    ]);
  });

  it('rejects static URL upstreams, which the egress policy cannot open', () => {
    expect(problemsOf({ routes: { add: [{ name: 'ext', match: { pathPrefix: '/ext' }, upstream: { url: 'http://example.com' } }] } })).toEqual([
      `infra/environments/staging.ts: routes.add[0].upstream must name a Kubernetes Service (service, namespace, port): the egress NetworkPolicy only opens declared upstream namespaces`,
    ]);
  });

  it('rejects a target port declared for a Service port no route sends to, and a key that names no Service port', () => {
    const billing = { name: 'billing', match: { pathPrefix: '/api/billing' }, upstream: { service: 'billing', namespace: 'billing', port: 80 } };
    expect(problemsOf({ routes: { add: [billing] }, upstreamTargetPorts: { 'billing.billing:8080': 8080 } })).toEqual([
      `infra/environments/staging.ts: upstreamTargetPorts["billing.billing:8080"] names no Service port the routes send to (billing.billing:80, order-service.orders:8080, user-service.users:8080): remove it or correct the key`,
    ]);
    expect(problemsOf({ routes: { add: [billing] }, upstreamTargetPorts: { 'billing/billing:80': 8080 } })).toEqual([
      `infra/environments/staging.ts: upstreamTargetPorts.billing/billing:80 ("billing/billing:80") must name a Service port as <service>.<namespace>:<port>, e.g. billing.billing:80`,
    ]);
  });

  it('rejects trusted proxy addresses without hops, hops without addresses, and an entry that is no address', () => {
    expect(problemsOf({ clientAddress: { trustedProxyCidrs: ['10.0.0.0/8'] } })).toEqual([
      `infra/environments/staging.ts: clientAddress.trustedProxyCidrs (10.0.0.0/8) must be empty while clientAddress.trustedProxyHops is 0: the gateway would skip the client's own address whenever it falls in them, and believe what that client wrote into X-Forwarded-For`,
    ]);
    expect(problemsOf({ clientAddress: { trustedProxyHops: 2 } })).toEqual([
      `infra/environments/staging.ts: clientAddress.trustedProxyCidrs must list the addresses of the 2 proxies in front of the load balancer (clientAddress.trustedProxyHops is 2), or every client is that proxy`,
    ]);
    expect(problemsOf({ clientAddress: { trustedProxyHops: 1, trustedProxyCidrs: ['cdn.example.com'] } })).toEqual([
      `infra/environments/staging.ts: clientAddress.trustedProxyCidrs[0] (cdn.example.com) must be an IP address or CIDR, e.g. 192.0.2.0/24`,
    ]);
  });

  it('names a misspelt setting and the closest real one, instead of merging it in and ignoring it', () => {
    const misspelt = { gateway: { autoscalng: { minReplicas: 2 } } } as unknown as Omit<EnvironmentOverrides, 'name' | 'ingress'>;
    expect(problemsOf(misspelt)).toEqual([`infra/environments/staging.ts: gateway.autoscalng is not a setting (did you mean gateway.autoscaling?): remove or correct it`]);
  });

  it('rejects a value of the wrong type, quoting it', () => {
    const wrongType = { gateway: { autoscaling: { maxReplicas: '6' } } } as unknown as Omit<EnvironmentOverrides, 'name' | 'ingress'>;
    expect(problemsOf(wrongType)).toEqual([`infra/environments/staging.ts: gateway.autoscaling.maxReplicas ("6") invalid input: expected number, received string`]);
  });

  it('blames the defaults file for a shared setting no environment declares', () => {
    const spec = defineEnvironment(base);
    const broken = { ...spec, gateway: { ...spec.gateway, drainDelayMs: 40_000 } };
    expect(() => validateEnvironment(broken)).toThrow(
      'infra/environments/defaults.ts: gateway.drainDelayMs (40000) must be below gateway.shutdownTimeoutMs (30000): the shutdown timeout counts from SIGTERM',
    );
  });

  it('rejects autoscaling bounds that cross, quoting both values', () => {
    expect(problemsOf({ gateway: { autoscaling: { minReplicas: 5, maxReplicas: 3 }, minAvailable: 1 } })).toEqual([
      `infra/environments/staging.ts: gateway.autoscaling.minReplicas (5) must not exceed gateway.autoscaling.maxReplicas (3)`,
    ]);
  });

  it('rejects a drain delay that outlasts the shutdown timeout', () => {
    expect(problemsOf({ gateway: { drainDelayMs: 30_000, shutdownTimeoutMs: 30_000 } })).toEqual([
      `infra/environments/staging.ts: gateway.drainDelayMs (30000) must be below gateway.shutdownTimeoutMs (30000): the shutdown timeout counts from SIGTERM`,
    ]);
  });

  it('rejects a disruption budget that would block node drains', () => {
    expect(problemsOf({ gateway: { minAvailable: 3 } })).toEqual([
      `infra/environments/staging.ts: gateway.minAvailable (3) must be below gateway.autoscaling.minReplicas (3) or node drains block`,
    ]);
  });

  it('rejects out-of-range ratios and percentages', () => {
    expect(problemsOf({ observability: { traceSamplingRatio: 1.5 }, faultInjection: { enabled: true, delayPercent: 0 } })).toEqual([
      `infra/environments/staging.ts: faultInjection.delayPercent (0) must be above 0 and at most 100 when faultInjection.enabled`,
      `infra/environments/staging.ts: observability.traceSamplingRatio (1.5) must be 0..1`,
    ]);
  });

  it('rejects canary stages that do not climb within 1..100, and malformed pauses', () => {
    const stages = [{ weightPercent: 30, pause: '5 minutes' }, { weightPercent: 30 }, { weightPercent: 120, pause: 'manual' }];
    expect(problemsOf({ rollout: { strategy: { type: 'canary', stages, previewPause: '1d' } } })).toEqual([
      `infra/environments/staging.ts: rollout.strategy.stages[0].pause (5 minutes) must be a duration like 30s, 5m or 1h, or 'manual'`,
      `infra/environments/staging.ts: rollout.strategy.stages[1].weightPercent (30) must be above the previous stage's (30) and at most 100`,
      `infra/environments/staging.ts: rollout.strategy.stages[2].weightPercent (120) must be above the previous stage's (30) and at most 100`,
      `infra/environments/staging.ts: rollout.strategy.previewPause (1d) must be a duration like 30s, 5m or 1h, or 'manual'`,
    ]);
    expect(problemsOf({ rollout: { strategy: { type: 'canary', stages: [] } } })).toEqual([`infra/environments/staging.ts: rollout.strategy.stages must list at least one stage`]);
  });

  it('rejects analysis thresholds and pacing that could never pass or never fail', () => {
    expect(
      problemsOf({
        rollout: {
          previewHeaderName: 'X-Canary',
          previewReplicas: 0,
          analysis: { interval: '1', window: '0m', count: 2, failureLimit: 2, maxErrorRatio: 1.5, maxLatencyP95Seconds: 0 },
        },
      }),
    ).toEqual([
      `infra/environments/staging.ts: rollout.previewHeaderName (X-Canary) must be a lower-case header name`,
      `infra/environments/staging.ts: rollout.previewReplicas (0) must be a whole number of at least 1`,
      `infra/environments/staging.ts: rollout.analysis.interval (1) must be a duration like 30s, 5m or 1h`,
      `infra/environments/staging.ts: rollout.analysis.window (0m) must be a duration like 30s, 5m or 1h`,
      `infra/environments/staging.ts: rollout.analysis.failureLimit (2) must be a whole number from 0 to below rollout.analysis.count (2)`,
      `infra/environments/staging.ts: rollout.analysis.maxErrorRatio (1.5) must be at least 0 and below 1`,
      `infra/environments/staging.ts: rollout.analysis.maxLatencyP95Seconds (0) must be above 0`,
    ]);
  });

  it('refuses objectives that leave no error budget and a latency threshold the request histogram cannot tell', () => {
    expect(() => validateEnvironment(defineEnvironment({ ...base, slo: { availability: 1, latency: { thresholdSeconds: 0.3, objective: 0 } } }))).toThrow(
      new EnvironmentError([
        'infra/environments/staging.ts: slo.availability (1) must be above 0 and below 1: a share of requests, leaving an error budget',
        'infra/environments/staging.ts: slo.latency.objective (0) must be above 0 and below 1: a share of requests, leaving an error budget',
        'infra/environments/staging.ts: slo.latency.thresholdSeconds (0.3) must be a bucket bound of gateway_request_duration_seconds (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10): the fast share is read from one bucket',
      ]),
    );
  });

  it('accepts a blue-green strategy without stages', () => {
    const blueGreen = { strategy: { type: 'blueGreen', promotion: 'manual' }, previewTesterCidrs: ['203.0.113.0/24'] } as const;
    expect(() => validateEnvironment(defineEnvironment({ ...base, rollout: blueGreen }))).not.toThrow();
  });

  it('refuses a blue-green strategy nobody can send preview requests to, and tester networks that are not CIDRs', () => {
    expect(() => validateEnvironment(defineEnvironment({ ...base, rollout: { strategy: { type: 'blueGreen', promotion: 'manual' } } }))).toThrow(
      new EnvironmentError([
        'infra/environments/staging.ts: rollout.previewTesterCidrs must list at least one CIDR with a blueGreen strategy: the preview pods only get requests carrying the preview header, and its analysis needs them',
      ]),
    );
    expect(() => validateEnvironment(defineEnvironment({ ...base, rollout: { previewTesterCidrs: ['203.0.113.7'] } }))).toThrow(
      new EnvironmentError(['infra/environments/staging.ts: rollout.previewTesterCidrs[0] ("203.0.113.7") must be an IPv4 or IPv6 CIDR like 203.0.113.0/24 or 2001:db8::/32']),
    );
  });
});
