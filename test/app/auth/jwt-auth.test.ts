import { createHmac } from 'node:crypto';
import { exportSPKI } from 'jose';
import { metricValue, scrape, startGateway, startUpstream, type StartedGateway, type TestUpstream , errorOf } from '../../support/edge-harness';
import { AUDIENCE, ISSUER, makeKey, signToken, startJwksServer, type JwksServer, type SigningKey } from '../../support/jwks-server';

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('JWT authentication through the gateway', () => {
  let rsa: SigningKey;
  let ec: SigningKey;
  let jwks: JwksServer;
  let upstream: TestUpstream;
  let started: StartedGateway;

  async function start(jwtOverrides: Record<string, unknown> = {}): Promise<void> {
    started = await startGateway({
      auth: { jwt: { jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256', 'ES256'], clockSkewSeconds: 5, ...jwtOverrides } },
      routes: [
        { name: 'users', match: { pathPrefix: '/api/users' }, upstream: { url: upstream.url }, requireRoles: ['reader'] },
        { name: 'admin', match: { pathPrefix: '/api/admin' }, upstream: { url: upstream.url }, requireRoles: ['admin'] },
        { name: 'public', match: { pathPrefix: '/public' }, upstream: { url: upstream.url }, auth: 'none' },
      ],
    });
  }

  function get(path: string, token?: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${started.base}${path}`, { headers: { ...headers, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) } });
  }

  beforeEach(async () => {
    rsa = await makeKey('rsa-1', 'RS256');
    ec = await makeKey('ec-1', 'ES256');
    jwks = await startJwksServer([rsa, ec]);
    upstream = await startUpstream();
  });

  test('a valid RS256 or ES256 token passes and its claims reach the upstream as headers', async () => {
    await start();
    for (const key of [rsa, ec]) {
      const response = await get('/api/users/1', await signToken(key));
      expect(response.status).toBe(200);
    }
    const forwarded = upstream.seen.at(-1)!.headers;
    expect(forwarded['x-user-id']).toBe('user-1');
    expect(forwarded['x-user-roles']).toBe('reader');
    expect(forwarded['x-user-scopes']).toBe('read write');
  });

  test('identity headers sent by the client are stripped, with or without a token', async () => {
    await start();
    const spoof = { 'x-user-id': 'admin', 'x-user-roles': 'admin', 'x-user-scopes': 'everything' };
    await get('/public/x', undefined, spoof);
    expect(upstream.seen.at(-1)!.headers['x-user-id']).toBeUndefined();
    expect(upstream.seen.at(-1)!.headers['x-user-roles']).toBeUndefined();
    await get('/api/users/1', await signToken(rsa), spoof);
    expect(upstream.seen.at(-1)!.headers['x-user-id']).toBe('user-1');
    expect(upstream.seen.at(-1)!.headers['x-user-roles']).toBe('reader');
  });

  test('a missing token is 401 with WWW-Authenticate and never reaches the upstream', async () => {
    await start();
    const response = await get('/api/users/1');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="uag"');
    expect((await errorOf(response)).code).toBe('UAG_ERR_UNAUTHENTICATED');
    expect(upstream.seen).toHaveLength(0);
  });

  test.each([
    ['expired', async () => signToken(rsa, {}, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), 'token expired'],
    ['not yet valid', async () => signToken(rsa, {}, { notBefore: Math.floor(Date.now() / 1000) + 600 }), 'token not yet valid'],
    ['wrong issuer', async () => signToken(rsa, {}, { issuer: 'https://evil.example.test/' }), 'wrong issuer'],
    ['wrong audience', async () => signToken(rsa, {}, { audience: 'someone-else' }), 'wrong audience'],
    ['signed with a wrong key under a known kid', async () => signToken({ ...(await makeKey('rsa-1')), kid: 'rsa-1' }), 'signature invalid'],
    [
      'alg none',
      async () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'user-1', roles: ['reader'], iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })}.`,
      'algorithm not allowed',
    ],
    [
      'HS256 signed with the public key as the secret',
      async () => {
        const signingInput = `${base64url({ alg: 'HS256', typ: 'JWT', kid: 'rsa-1' })}.${base64url({ sub: 'user-1', roles: ['reader'], iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })}`;
        const secret = await exportSPKI(rsa.publicKey);
        return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
      },
      'algorithm not allowed',
    ],
  ])('a token that is %s is 401 with a short reason that does not echo it', async (_case, makeToken, reason) => {
    await start();
    const token = await makeToken();
    const response = await get('/api/users/1', token);
    expect(response.status).toBe(401);
    const body = await response.text();
    expect(JSON.parse(body).error.message).toBe(`a valid bearer token is required: ${reason}`);
    expect(body).not.toContain(token.split('.')[1]);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="uag", error="invalid_token", error_description="${reason}"`);
    expect(upstream.seen).toHaveLength(0);
  });

  test('a valid token without the required role is 403 and counted', async () => {
    await start();
    const response = await get('/api/admin/x', await signToken(rsa));
    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toContain('role "admin" required');
    expect(metricValue(await scrape(started), 'gateway_auth_rejected_total', { route: 'admin', reason: 'forbidden' })).toBe(1);
  });

  test('a key rotated into the JWKS is fetched on its first unknown kid', async () => {
    await start({ jwksRefreshCooldownMs: 0 });
    expect((await get('/api/users/1', await signToken(rsa))).status).toBe(200);
    const rotated = await makeKey('rsa-2');
    jwks.keys = [rotated];
    const fetchesBefore = jwks.fetches;
    expect((await get('/api/users/1', await signToken(rotated))).status).toBe(200);
    expect(jwks.fetches).toBe(fetchesBefore + 1);
  });

  test('tokens naming unknown kids cannot make the gateway hammer the JWKS endpoint', async () => {
    await start({ jwksRefreshCooldownMs: 60_000 });
    expect((await get('/api/users/1', await signToken(rsa))).status).toBe(200);
    const fetchesAfterFirst = jwks.fetches;
    for (let i = 0; i < 5; i++) {
      const stranger = await makeKey(`unknown-${i}`);
      expect((await get('/api/users/1', await signToken(stranger))).status).toBe(401);
    }
    expect(jwks.fetches).toBe(fetchesAfterFirst);
  });
});
