import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { request } from 'undici';
import { METRICS, LATENCY_BUCKETS_SECONDS } from '../../../app/src/contract';
import { closedPort, echoHandler, startLoopbackServer } from '../../helpers/loopback-server';
import { startTestGateway } from '../../helpers/test-gateway';
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
});

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => {
    trace.setGlobalTracerProvider(provider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(async () => {
    trace.disable();
    propagation.disable();
    await provider.shutdown();
  });
  beforeEach(() => exporter.reset());

  it('continues the caller trace: server span, client span per attempt, context injected upstream', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gw = track(
      await startTestGateway({ routes: { routes: [{ name: 'users', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] }, tracingEnabled: true }),
    );
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const response = await request(`${gw.baseUrl}/u/1`, { headers: { traceparent: `00-${callerTrace}-${callerSpan}-01` } });
    await response.body.dump();
    await new Promise((resolve) => setImmediate(resolve));

    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.name === 'GET users');
    const client = spans.find((s) => s.name === 'GET users upstream');
    expect(server?.spanContext().traceId).toBe(callerTrace);
    expect(server?.parentSpanContext?.spanId).toBe(callerSpan);
    expect(client?.spanContext().traceId).toBe(callerTrace);
    expect(client?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    expect(server?.attributes['http.response.status_code']).toBe(200);

    const sent = upstream.requests[0]!.headers.traceparent as string;
    expect(sent).toBe(`00-${callerTrace}-${client!.spanContext().spanId}-01`);

    const access = gw.logs.find((line) => line.msg === 'access');
    expect(access).toMatchObject({ trace_id: callerTrace, span_id: server!.spanContext().spanId });
  });

  it('starts a new trace when the caller sent none', async () => {
    const upstream = track(await startLoopbackServer(echoHandler));
    const gw = track(
      await startTestGateway({ routes: { routes: [{ name: 'users', match: { pathPrefix: '/' }, upstream: { url: upstream.url } }] }, tracingEnabled: true }),
    );
    await (await request(`${gw.baseUrl}/u`)).body.dump();
    const sent = upstream.requests[0]!.headers.traceparent as string;
    expect(sent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
