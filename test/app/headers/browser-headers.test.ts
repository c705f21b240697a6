import { startGateway, startUpstream , errorOf } from '../../support/edge-harness';

describe('CORS and security headers', () => {
  async function start(extra: Record<string, unknown> = {}, env: Record<string, string> = {}) {
    const upstream = await startUpstream();
    const started = await startGateway(
      {
        routes: [
          { name: 'app', match: { pathPrefix: '/app' }, upstream: { url: upstream.url }, cors: { origins: ['https://app.example.test'], credentials: true }, ...extra },
          { name: 'bare', match: { pathPrefix: '/bare' }, upstream: { url: upstream.url }, securityHeaders: false },
        ],
      },
      env,
    );
    return { upstream, started };
  }

  test('a preflight from an allowed origin is answered by the gateway; others get 403', async () => {
    const { upstream, started } = await start();
    const preflight = await fetch(`${started.base}/app/x`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.test', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'Content-Type, Authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.test');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, PUT, PATCH, DELETE');
    expect(preflight.headers.get('access-control-max-age')).toBe('600');
    const evil = await fetch(`${started.base}/app/x`, { method: 'OPTIONS', headers: { origin: 'https://evil.example.test', 'access-control-request-method': 'GET' } });
    expect(evil.status).toBe(403);
    expect((await errorOf(evil)).code).toBe('UAG_ERR_CORS_REJECTED');
    const badHeader = await fetch(`${started.base}/app/x`, { method: 'OPTIONS', headers: { origin: 'https://app.example.test', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-secret' } });
    expect(badHeader.status).toBe(403);
    expect(upstream.seen).toHaveLength(0);
  });

  test('actual requests carry CORS headers only for allowed origins, plus the security headers', async () => {
    const { started } = await start();
    const allowed = await fetch(`${started.base}/app/x`, { headers: { origin: 'https://app.example.test' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.test');
    expect(allowed.headers.get('vary')).toBe('origin');
    expect(allowed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(allowed.headers.get('x-frame-options')).toBe('DENY');
    expect(allowed.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(allowed.headers.get('strict-transport-security')).toBeNull();
    const other = await fetch(`${started.base}/app/x`, { headers: { origin: 'https://evil.example.test' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const bare = await fetch(`${started.base}/bare`);
    expect(bare.headers.get('x-frame-options')).toBeNull();
  });

  test('HSTS is sent only when a trusted proxy says the client used HTTPS', async () => {
    const { started } = await start({}, { UAG_TRUSTED_PROXIES: '127.0.0.1' });
    const https = await fetch(`${started.base}/app/x`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(https.headers.get('strict-transport-security')).toBe('max-age=15552000; includeSubDomains');
  });
});
