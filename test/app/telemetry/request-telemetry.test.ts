import { AlwaysOnSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { request } from 'undici';
import { METRICS, LATENCY_BUCKETS_SECONDS } from '../../../app/src/contract';
import { closedPort, echoHandler, startLoopbackServer } from '../../helpers/loopback-server';
import { startTestGateway } from '../../helpers/test-gateway';
import { RequestTracer } from '../../../app/src/telemetry/request-tracer';
import { TraceIds } from '../../../app/src/telemetry/trace-ids';
import { samplerFor } from '../../../app/src/telemetry/tracing-sdk';
import { useCleanup } from '../../helpers/cleanup';

const track = useCleanup();

async function metricsText(adminUrl: string): Promise<string> {
  const response = await request(`${adminUrl}/metrics`);
  return response.body.text();
}

describe('metrics after traffic', () => {
  it('counts requests by protocol, route, method and code, with route names instead of paths', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const down = await closedPort();
    const gw = track(
      await startTestGateway({
        routes: {
          routes: [
            { name: 'users', match: { pathPrefix: '/api/users' }, upstream: { url: upstream.url } },
            { name: 'broken', match: { pathPrefix: '/broken' }, upstream: { url: `http://127.0.0.1:${down}` } },
          ],
        },
      }),
    );
    for (const path of ['/api/users/1', '/api/users/2', '/nowhere/123', '/broken']) await (await request(`${gw.baseUrl}${path}`)).body.dump();
    await (await request(`${gw.baseUrl}/api/users/3`, { method: 'POST', body: 'x' })).body.dump();
    const text = await metricsText(gw.adminUrl);

    expect(text).toContain(`${METRICS.requestsTotal.name}{protocol="http",route="users",method="GET",code="200"} 2`);
    expect(text).toContain(`${METRICS.requestsTotal.name}{protocol="http",route="users",method="POST",code="200"} 1`);
    expect(text).toContain(`${METRICS.requestsTotal.name}{protocol="http",route="_unmatched",method="GET",code="404"} 1`);
    expect(text).toContain(`${METRICS.requestsTotal.name}{protocol="http",route="broken",method="GET",code="502"} 1`);
    expect(text).not.toMatch(/route="\/nowhere/);
    expect(text).toContain(`${METRICS.requestDuration.name}_count{protocol="http",route="users"} 3`);
    for (const bucket of [LATENCY_BUCKETS_SECONDS[0], LATENCY_BUCKETS_SECONDS[LATENCY_BUCKETS_SECONDS.length - 1]]) {
      expect(text).toContain(`${METRICS.requestDuration.name}_bucket{le="${bucket}",protocol="http",route="users"}`);
    }
    expect(text).toContain(`${METRICS.upstreamDuration.name}_count{route="users",outcome="success"} 3`);
    expect(text).toContain(`${METRICS.upstreamDuration.name}_count{route="broken",outcome="connect_error"} 1`);
    expect(text).toMatch(new RegExp(`${METRICS.activeConnections.name}\\{protocol="http"\\} \\d+`));
    expect(text).toContain(`${METRICS.buildInfo.name}{version="9.9.9-test",commit="abc123"} 1`);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('writes one access-log line per request with route, status, bytes and request id', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gw = track(await startTestGateway({ routes: { routes: [{ name: 'users', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] } }));
    const response = await request(`${gw.baseUrl}/a/b?x=1`, { headers: { 'x-request-id': 'log-1' } });
    const bytes = (await response.body.arrayBuffer()).byteLength;
    await new Promise((resolve) => setImmediate(resolve));
    const access = gw.logs.filter((line) => line.msg === 'access');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ method: 'GET', route: 'users', path: '/a/b', status: 200, bytes, client_ip: '127.0.0.1', request_id: 'log-1' });
    expect(typeof access[0]!.duration_ms).toBe('number');
    expect(access[0]!.trace_id).toBeUndefined();
  });

  // Regression: both read Fastify's reply.elapsedTime, which stays 0 unless Fastify runs its own
  // response clock, so every proxied request was recorded as taking no time at all.
  it('records how long the request took in the access log and the duration histogram', async () => {
    const upstreamDelayMs = 150;
    const upstream = track(await startLoopbackServer((req, res) => void setTimeout(() => echoHandler(req, res), upstreamDelayMs)));
    const gw = track(await startTestGateway({ routes: { routes: [{ name: 'slow', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] } }));
    await (await request(`${gw.baseUrl}/wait`)).body.dump();
    await new Promise((resolve) => setImmediate(resolve));

    // Timers may fire up to a millisecond early; the request cannot have been quicker than that.
    const floorSeconds = (upstreamDelayMs - 2) / 1000;
    const access = gw.logs.filter((line) => line.msg === 'access');
    expect(access[0]!.duration_ms).toBeGreaterThanOrEqual(floorSeconds * 1000);
    const text = await metricsText(gw.adminUrl);
    const sum = Number(new RegExp(`^${METRICS.requestDuration.name}_sum\\{protocol="http",route="slow"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(sum).toBeGreaterThanOrEqual(floorSeconds);
    expect(text).toContain(`${METRICS.requestDuration.name}_bucket{le="0.1",protocol="http",route="slow"} 0`);
  });
});

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  const ids = new TraceIds();
  // As startTracing wires it: the provider records what it is handed and draws ids from `ids`.
  const provider = new BasicTracerProvider({ sampler: new AlwaysOnSampler(), idGenerator: ids, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracerSampling = (sampler: Parameters<typeof samplerFor>[0]['OTEL_TRACES_SAMPLER'], ratio = 1) =>
    new RequestTracer({ sampler: samplerFor({ OTEL_TRACES_SAMPLER: sampler, OTEL_TRACES_SAMPLER_ARG: ratio }), tracer: provider.getTracer('test'), ids });
  afterAll(() => provider.shutdown());
  beforeEach(() => exporter.reset());

  it('continues the caller trace: server span, client span per attempt, context injected upstream', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gw = track(
      await startTestGateway({ routes: { routes: [{ name: 'users', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] }, tracer: tracerSampling('parentbased_always_on') }),
    );
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const response = await request(`${gw.baseUrl}/u/1?token=secret`, { headers: { traceparent: `00-${callerTrace}-${callerSpan}-01` } });
    await response.body.dump();
    await new Promise((resolve) => setImmediate(resolve));

    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.name === 'GET users');
    const client = spans.find((s) => s.name === 'GET users upstream');
    expect(server?.spanContext().traceId).toBe(callerTrace);
    expect(server?.parentSpanContext?.spanId).toBe(callerSpan);
    expect(client?.spanContext().traceId).toBe(callerTrace);
    expect(client?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    expect(server?.attributes).toEqual({
      'http.request.method': 'GET',
      'client.address': '127.0.0.1',
      'uag.request_id': expect.any(String),
      'http.route': '/',
      'url.path': '/u/1',
      'http.response.status_code': 200,
    });
    // The query never reaches a span: it may carry secrets.
    expect(client?.attributes).toEqual({ 'http.request.method': 'GET', 'server.address': '127.0.0.1', 'server.port': Number(new URL(upstream.url).port), 'url.full': `${upstream.url}/u/1`, 'http.response.status_code': 200 });

    const sent = upstream.requests[0]!.headers.traceparent as string;
    expect(sent).toBe(`00-${callerTrace}-${client!.spanContext().spanId}-01`);

    const access = gw.logs.find((line) => line.msg === 'access');
    expect(access).toMatchObject({ trace_id: callerTrace, span_id: server!.spanContext().spanId });
  });

  it('gives each upstream attempt its own client span; a resend carries http.request.resend_count', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const retry = { attempts: 2, backoffBaseMs: 1, backoffMaxMs: 2, minRetriesPerSecond: 1, budgetRatio: 1 };
    const gw = track(
      await startTestGateway({ routes: { routes: [{ name: 'users', match: { pathPrefix: '/' }, upstream: { url: [dead, upstream.url] }, retry }] }, tracer: tracerSampling('always_on') }),
    );
    expect((await request(`${gw.baseUrl}/u`)).statusCode).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    const attempts = exporter.getFinishedSpans().filter((s) => s.name === 'GET users upstream');
    expect(attempts.map((s) => [s.attributes['url.full'], s.attributes['http.request.resend_count']])).toEqual([
      [`${dead}/u`, undefined],
      [`${upstream.url}/u`, 1],
    ]);
  });

  it('passes an unsampled trace on without recording it, and still names it in the access log', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gw = track(
      await startTestGateway({ routes: { routes: [{ name: 'users', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] }, tracer: tracerSampling('parentbased_traceidratio', 0) }),
    );
    await (await request(`${gw.baseUrl}/u`)).body.dump();
    await new Promise((resolve) => setImmediate(resolve));
    const access = gw.logs.find((line) => line.msg === 'access');
    expect(access?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(upstream.requests[0]!.headers.traceparent).toBe(`00-${access!.trace_id as string}-${access!.span_id as string}-00`);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('starts a new trace when the caller sent none', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gw = track(
      await startTestGateway({ routes: { routes: [{ name: 'users', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] }, tracer: tracerSampling('parentbased_always_on') }),
    );
    await (await request(`${gw.baseUrl}/u`)).body.dump();
    const sent = upstream.requests[0]!.headers.traceparent as string;
    expect(sent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
