import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../../app/src/config/config-error';
import { parseRouteTable } from '../../../app/src/config/route-table-loader';
import { EDGE_DEFAULTS } from '../../../app/src/contract';

const ISSUE_EXAMPLE = `
auth:
  jwt:
    jwksUrl: http://127.0.0.1:7070/.well-known/jwks.json
    issuer: https://auth.example.test/
    audience: uag
    algorithms: [RS256, ES256]
routes:
  - name: users
    match: { pathPrefix: /api/users }
    upstream: { url: http://127.0.0.1:5001 }
    auth: jwt
    requireRoles: [reader]
    rateLimit: { requestsPerSecond: 5, burst: 5, key: ip }
  - name: play
    match: { pathPrefix: /play }
    upstream: { url: http://127.0.0.1:5002 }
    websocket: true
    auth: none
  - name: catalog
    match: { pathPrefix: /api/catalog }
    auth: none
    upstream:
      variants:
        - { name: stable, url: http://127.0.0.1:5003, weight: 90 }
        - { name: canary, url: http://127.0.0.1:5004, weight: 10 }
    canaryHeader: x-canary
tcp:
  - name: game
    port: 7000
    upstream: { url: tcp://127.0.0.1:5005 }
`;

function problemsOf(document: unknown): string[] {
  try {
    parseRouteTable(document, 'test');
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the route table to be rejected');
}

const plainRoute = { name: 'r', match: { pathPrefix: '/r' }, upstream: { url: 'http://127.0.0.1:1' } };

describe('edge route-table schema', () => {
  test('the example from the issue loads as written, with documented defaults filled in', () => {
    const table = parseRouteTable(parseYaml(ISSUE_EXAMPLE), 'example');
    expect(table.auth?.jwt?.clockSkewSeconds).toBe(EDGE_DEFAULTS.jwt.clockSkewSeconds);
    expect(table.auth?.jwt?.algorithms).toEqual(['RS256', 'ES256']);
    const [users, play, catalog] = table.routes;
    expect(users?.auth).toBe('jwt');
    expect(users?.rateLimit).toEqual({ requestsPerSecond: 5, burst: 5, key: 'ip', failOpen: true });
    expect(play?.websocket).toEqual(EDGE_DEFAULTS.websocket);
    expect(catalog?.upstream.variants?.map((v) => [v.name, v.weight])).toEqual([['stable', 90], ['canary', 10]]);
    expect(catalog?.securityHeaders.enabled).toBe(true);
    expect(table.tcp[0]).toEqual({ name: 'game', port: 7000, upstream: { url: 'tcp://127.0.0.1:5005' }, idleTimeoutMs: EDGE_DEFAULTS.tcp.idleTimeoutMs });
  });

  test('routes default to jwt when auth.jwt is configured and to none otherwise', () => {
    const jwt = { jwksUrl: 'http://127.0.0.1:1/jwks', issuer: 'i', audience: 'a' };
    expect(parseRouteTable({ auth: { jwt }, routes: [plainRoute] }, 't').routes[0]?.auth).toBe('jwt');
    expect(parseRouteTable({ auth: { jwt, default: 'none' }, routes: [plainRoute] }, 't').routes[0]?.auth).toBe('none');
    expect(parseRouteTable({ routes: [plainRoute] }, 't').routes[0]?.auth).toBe('none');
  });

  test.each([
    [{ routes: [{ ...plainRoute, auth: 'jwt' }] }, 'test: routes[0].auth: is "jwt" but auth.jwt is not configured at the top level'],
    [{ routes: [{ ...plainRoute, requireRoles: ['x'] }] }, 'test: routes[0].requireRoles: requireRoles needs auth: jwt on this route'],
    [{ routes: [{ ...plainRoute, rateLimit: { requestsPerSecond: 0 } }] }, 'test: routes[0].rateLimit.requestsPerSecond: must be > 0'],
    [{ routes: [{ ...plainRoute, rateLimit: { requestsPerSecond: 1, key: 'header' } }] }, 'test: routes[0].rateLimit.header: is required with key: header'],
    [{ routes: [{ ...plainRoute, canaryHeader: 'x-canary' }] }, 'test: routes[0].canaryHeader: only applies with upstream.variants'],
    [{ routes: [{ ...plainRoute, retry: { attempts: 9 } }] }, 'test: routes[0].retry.attempts: must be a whole number of retries 1..5'],
    [{ routes: [{ ...plainRoute, cors: { origins: ['*'] } }] }, 'test: routes[0].cors.origins[0]: must be an origin such as "https://app.example.com" (no path, no "*")'],
    [{ routes: [{ ...plainRoute, websocket: { idleTimeoutMs: 5 } }] }, 'test: routes[0].websocket.idleTimeoutMs: must be a whole number of milliseconds 1000..86400000'],
    [
      { auth: { jwt: { jwksUrl: 'http://127.0.0.1:1/j', issuer: 'i', audience: 'a', algorithms: ['HS256'] } }, routes: [plainRoute] },
      'test: auth.jwt.algorithms[0]: must be asymmetric algorithms: RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA ("none" and HMAC are never accepted)',
    ],
    [{ auth: { jwt: { issuer: 'i', audience: 'a' } }, routes: [plainRoute] }, 'test: auth.jwt: set exactly one key source: "jwksUrl", "publicKeyFromEnv: true" (UAG_JWT_PUBLIC_KEY) or "publicKeyFile"'],
    [
      { routes: [{ ...plainRoute, upstream: { variants: [{ name: 'a', url: 'http://127.0.0.1:1', weight: 0 }, { name: 'a', url: 'http://127.0.0.1:2', weight: 0 }] } }] },
      'test: routes[0].upstream.variants[1].name: duplicates variants[0].name "a"',
    ],
    [{ routes: [plainRoute], tcp: [{ name: 'g', port: 70000, upstream: { url: 'tcp://127.0.0.1:1' } }] }, 'test: tcp[0].port: must be 1..65535'],
    [{ routes: [plainRoute], tcp: [{ name: 'g', port: 7000, upstream: { url: 'http://127.0.0.1:1' } }] }, 'test: tcp[0].upstream.url: must be tcp://host:port'],
  ])('rejects bad edge settings with the field path (%#)', (document, expected) => {
    expect(problemsOf(document)).toContain(expected);
  });
});
