import { join } from 'node:path';
import { useCleanup, useTempDir } from '../../helpers/cleanup';
import { startBuiltGateway, type BuiltGateway } from '../../helpers/gateway-process';
import { echoHandler, requestsDuring, startLoopbackServer, type LoopbackServer } from '../../helpers/loopback-server';
import { exchangeRaw } from '../../helpers/raw-request';
import { AUDIENCE, ISSUER, makeKey, signToken, writePublicKeyFile, type SigningKey } from '../../support/jwks-server';

/**
 * Authentication and identity bypasses, sent byte for byte to the built gateway; the echo
 * upstream records what it was sent. Every route table field here already existed before the
 * fixes, so each test also runs against the code it pins.
 */
const track = useCleanup('all');
const dir = useTempDir('uag-hostile-identity-');
let key: SigningKey;
let upstream: LoopbackServer;
let guardedUpstream: LoopbackServer;
let gateway: BuiltGateway;

beforeAll(async () => {
  key = await makeKey('hostile-1');
  const keyFile = await writePublicKeyFile(key, join(dir(), 'jwt.pem'));
  upstream = track(await startLoopbackServer(echoHandler));
  guardedUpstream = track(await startLoopbackServer(echoHandler));
  gateway = track(
    await startBuiltGateway({
      auth: { jwt: { publicKeyFile: keyFile, issuer: ISSUER, audience: AUDIENCE } },
      routes: [
        { name: 'public', match: { pathPrefix: '/api' }, upstream: { url: upstream.url }, auth: 'none' },
        { name: 'admin', match: { pathPrefix: '/api/admin' }, upstream: { url: upstream.url }, auth: 'jwt' },
        { name: 'admin-host', match: { pathPrefix: '/', host: 'admin.example.test' }, upstream: { url: upstream.url }, auth: 'jwt' },
        { name: 'site', match: { pathPrefix: '/' }, upstream: { url: upstream.url }, auth: 'none' },
        {
          name: 'guarded',
          match: { pathPrefix: '/guarded' },
          upstream: { url: guardedUpstream.url },
          auth: 'jwt',
          circuitBreaker: { consecutiveFailures: 3, coolDownMs: 60_000 },
        },
      ],
    }),
  );
}, 30_000);

function get(target: string, headers: string[] = []): Promise<Awaited<ReturnType<typeof exchangeRaw>>> {
  return exchangeRaw(gateway.port, `GET ${target} HTTP/1.1\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`);
}

/** Header names the upstream received, lower-cased, with `_` folded into `-` as CGI servers fold them. */
function foldedNames(request: import('node:http').IncomingMessage): string[] {
  return request.rawHeaders.filter((_value, index) => index % 2 === 0).map((name) => name.toLowerCase().replaceAll('_', '-'));
}

describe('authentication and identity bypasses', () => {
  test('a fragment in the request target cannot reach a protected route through a shorter public one', async () => {
    const seen = await requestsDuring(upstream, async () => {
      for (const target of ['/api/admin#/secret', '/api/admin?x=1#/secret', '/api/admin#']) {
        const { responses } = await get(target, ['Host: app.example.test']);
        expect([target, responses[0]?.status, responses[0]?.json().error.code]).toEqual([target, 400, 'UAG_ERR_BAD_PATH']);
      }
    });
    expect(seen).toEqual([]);
  });

  test('a trailing dot, a port or upper case in Host still selects the host-bound route', async () => {
    const seen = await requestsDuring(upstream, async () => {
      for (const host of ['admin.example.test.', 'admin.example.test.:8080', 'ADMIN.Example.TEST.', 'Admin.example.test:80']) {
        const { responses } = await get('/reports', [`Host: ${host}`]);
        expect([host, responses[0]?.status]).toEqual([host, 401]);
      }
    });
    expect(seen).toEqual([]);
  });

  test('identity headers spelled with underscores never reach the upstream, with or without a token', async () => {
    const spoofed = ['X_User_Id: admin', 'X_User_Roles: admin', 'x_user_scopes: everything', 'X-User_Id: admin'];
    const token = await signToken(key, { sub: 'alice', roles: ['reader'], scope: 'read' });
    const seen = await requestsDuring(upstream, async () => {
      expect((await get('/api/orders', ['Host: app.example.test', ...spoofed])).responses[0]?.status).toBe(200);
      expect((await get('/api/admin/users', ['Host: app.example.test', `Authorization: Bearer ${token}`, ...spoofed])).responses[0]?.status).toBe(200);
    });
    expect(seen).toHaveLength(2);
    const [anonymous, alice] = seen as [import('node:http').IncomingMessage, import('node:http').IncomingMessage];
    expect(foldedNames(anonymous).filter((name) => name.startsWith('x-user-'))).toEqual([]);
    expect(foldedNames(alice).filter((name) => name.startsWith('x-user-')).sort()).toEqual(['x-user-id', 'x-user-roles', 'x-user-scopes']);
    expect([alice.headers['x-user-id'], alice.headers['x-user-roles'], alice.headers['x-user-scopes']]).toEqual(['alice', 'reader', 'read']);
  });

  test('a token whose sub or roles are outside Latin-1 is forwarded percent-encoded and never opens the breaker', async () => {
    const token = await signToken(key, { sub: '用户-42', roles: ['管理员', 'ops,eu', '50%'], scope: 'read café' });
    const seen = await requestsDuring(guardedUpstream, async () => {
      for (let attempt = 0; attempt < 4; attempt++) {
        const { responses } = await get('/guarded/profile', ['Host: app.example.test', `Authorization: Bearer ${token}`]);
        expect([attempt, responses[0]?.status]).toEqual([attempt, 200]);
      }
    });
    expect(seen).toHaveLength(4);
    expect(seen[0]!.headers['x-user-id']).toBe('%E7%94%A8%E6%88%B7-42');
    expect(seen[0]!.headers['x-user-roles']).toBe('%E7%AE%A1%E7%90%86%E5%91%98,ops%2Ceu,50%25');
    expect(seen[0]!.headers['x-user-scopes']).toBe('read caf%C3%A9');
    expect((seen[0]!.headers['x-user-roles'] as string).split(',').map(decodeURIComponent)).toEqual(['管理员', 'ops,eu', '50%']);
    const plain = await signToken(key, { sub: 'bob' });
    expect((await get('/guarded/profile', ['Host: app.example.test', `Authorization: Bearer ${plain}`])).responses[0]?.status).toBe(200);
  });

  test('forwarding and client-address headers from an untrusted client are replaced or dropped', async () => {
    const forged = [
      'X-Forwarded-For: 203.0.113.9',
      'X-Forwarded-Proto: https',
      'X-Forwarded-Host: bank.example',
      'X-Forwarded-Port: 443',
      'X-Forwarded-Prefix: /admin',
      'X-Forwarded-Server: trusted.internal',
      'X-Forwarded-Scheme: https',
      'X-Forwarded-Ssl: on',
      'X-Real-IP: 10.0.0.1',
      'True-Client-IP: 10.0.0.2',
      'X-Client-IP: 10.0.0.3',
    ];
    const seen = await requestsDuring(upstream, async () => {
      expect((await get('/api/orders', ['Host: app.example.test', ...forged])).responses[0]?.status).toBe(200);
    });
    const forwarded = Object.fromEntries(Object.entries(seen[0]!.headers).filter(([name]) => /^(x-forwarded-|x-real-ip|true-client-ip|x-client-ip)/.test(name)));
    expect(forwarded).toEqual({ 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'app.example.test' });
  });
});
