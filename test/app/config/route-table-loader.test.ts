import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../app/src/config/config-error';
import { loadRouteTableFile, parseRouteTable } from '../../../app/src/config/route-table-loader';
import { ROUTE_DEFAULTS, EDGE_DEFAULTS } from '../../../app/src/contract';

const ISSUE_EXAMPLE = `
routes:
  - name: users
    match: { pathPrefix: /api/users }
    upstream: { url: http://127.0.0.1:5001 }
  - name: orders
    match: { pathPrefix: /api/orders, methods: [GET, POST] }
    upstream: { service: order-service, namespace: shop, port: 80 }
    stripPrefix: false
    timeoutMs: 5000
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'uag-routes-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problems(document: unknown): readonly string[] {
  try {
    parseRouteTable(document, 'routes.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function problemsOfFile(path: string): readonly string[] {
  try {
    loadRouteTableFile(path);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const ok = { name: 'users', match: { pathPrefix: '/api/users' }, upstream: { url: 'http://127.0.0.1:5001' } };

describe('route table loading', () => {
  it('loads the example from the foundation issue as written, filling defaults', () => {
    const table = loadRouteTableFile(write('routes.yaml', ISSUE_EXAMPLE));
    expect(table.routes[0]).toEqual({
      name: 'users',
      match: { pathPrefix: '/api/users' },
      upstream: { url: 'http://127.0.0.1:5001' },
      stripPrefix: ROUTE_DEFAULTS.stripPrefix,
      preserveHost: ROUTE_DEFAULTS.preserveHost,
      timeoutMs: ROUTE_DEFAULTS.timeoutMs,
      maxBodyBytes: ROUTE_DEFAULTS.maxBodyBytes,
      bodyBufferBytes: ROUTE_DEFAULTS.bodyBufferBytes,
      bodyIdleTimeoutMs: ROUTE_DEFAULTS.bodyIdleTimeoutMs,
      underscoresInHeaders: ROUTE_DEFAULTS.underscoresInHeaders,
      // Edge defaults (gateway edge issue): no auth without auth.jwt, browser hardening on.
      auth: 'none',
      securityHeaders: EDGE_DEFAULTS.securityHeaders,
    });
    expect(table.routes[1]).toMatchObject({ upstream: { service: 'order-service', namespace: 'shop', port: 80 }, timeoutMs: 5000 });
    expect(Object.isFrozen(table.routes[1]!.match)).toBe(true);
  });

  it('loads the committed sample route table', () => {
    expect(loadRouteTableFile(join(__dirname, '../../../app/routes.sample.yaml')).routes.map((r) => r.name)).toEqual(['users', 'orders']);
  });

  it('reads JSON files as JSON', () => {
    expect(loadRouteTableFile(write('routes.json', JSON.stringify({ routes: [ok] }))).routes).toHaveLength(1);
  });

  it('names the file when it is missing or unparsable', () => {
    expect(() => loadRouteTableFile(join(dir, 'nope.yaml'))).toThrow(
      `UAG_ROUTES_FILE (${join(dir, 'nope.yaml')}): cannot read: file not found; point UAG_ROUTES_FILE at a readable YAML or JSON file`,
    );
    expect(() => loadRouteTableFile(write('bad.json', '{ routes: '))).toThrow(/^UAG_ROUTES_FILE \(.*bad\.json\): not valid JSON at line 1, column 3: Expected property name/);
  });

  it('names line and column of every YAML syntax error, one line each', () => {
    const path = write('bad.yaml', 'routes:\n  - name: users\n    name: orders\n    match: { pathPrefix: /a }\n  - b: [\n');
    expect(problemsOfFile(path)).toEqual([
      `UAG_ROUTES_FILE (${path}): not valid YAML at line 3, column 5: Map keys must be unique`,
      `UAG_ROUTES_FILE (${path}): not valid YAML at line 6, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
  });

  it('keeps the text V8 quotes out of a JSON syntax error', () => {
    const path = write('quoted.json', '{\n "routes": ,\n "secret": "x"\n}');
    expect(problemsOfFile(path)).toEqual([`UAG_ROUTES_FILE (${path}): not valid JSON: Unexpected token ','`]);
  });

  it.each([
    [{ routes: [ok, { ...ok, name: 'orders', upstream: { service: 'orders', namespace: 'shop', port: 0 } }] }, 'routes.yaml: routes[1].upstream.port: must be 1..65535'],
    [{ routes: [{ ...ok, upstream: { service: 'orders', namespace: 'shop' } }] }, 'routes.yaml: routes[0].upstream.port: is required with "service" (1..65535)'],
    [{ routes: [{ ...ok, upstream: {} }] }, 'routes.yaml: routes[0].upstream: set "url" (static address) or "service" + "namespace" + "port"'],
    [{ routes: [{ ...ok, upstream: { url: 'http://a:1', service: 'b', namespace: 'c', port: 1 } }] }, 'routes.yaml: routes[0].upstream: set either "url" or "service", not both'],
    [{ routes: [{ ...ok, upstream: { url: 'ftp://x' } }] }, 'routes.yaml: routes[0].upstream.url: must be an absolute http:// or https:// URL without query, fragment or credentials'],
    [{ routes: [{ ...ok, match: { pathPrefix: 'api' } }] }, 'routes.yaml: routes[0].match.pathPrefix: must start with "/"'],
    [{ routes: [{ ...ok, match: { pathPrefix: '/api/../admin' } }] }, 'routes.yaml: routes[0].match.pathPrefix: must be a normalised path (no "." or ".." segments, no "//")'],
    [{ routes: [{ ...ok, match: { pathPrefix: '/api', methods: ['FETCH'] } }] }, 'routes.yaml: routes[0].match.methods[0]: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'],
    [{ routes: [{ ...ok, name: 'Users API' }] }, 'routes.yaml: routes[0].name: must be 1-63 lower-case letters, digits or "-", starting and ending with a letter or digit'],
    [{ routes: [{ ...ok, timeoutMs: 0 }] }, 'routes.yaml: routes[0].timeoutMs: must be 1..3600000'],
    [{ routes: [{ ...ok, bodyBufferBytes: 2 * 1024 * 1024 }] }, 'routes.yaml: routes[0].bodyBufferBytes: must be a whole number of bytes 0..1048576'],
    [{ routes: [{ ...ok, bodyIdleTimeoutMs: 0 }] }, 'routes.yaml: routes[0].bodyIdleTimeoutMs: must be a whole number of milliseconds 1..3600000'],
    [{ routes: [{ ...ok, stripprefix: true }] }, 'routes.yaml: routes[0]: unknown field "stripprefix"; remove or correct it'],
    [{ routes: [ok, { ...ok, match: { pathPrefix: '/api/users/' } }] }, 'routes.yaml: routes[1].name: duplicates routes[0].name "users"'],
    [{ routes: [] }, 'routes.yaml: routes: must list at least one route'],
    [{}, 'routes.yaml: routes: is required'],
  ])('rejects %j with the field path', (document, message) => {
    expect(problems(document)).toContain(message);
  });

  it('rejects two routes that match the same requests', () => {
    expect(problems({ routes: [ok, { ...ok, name: 'users-2' }] })).toEqual([
      'routes.yaml: routes[1].match: matches the same requests as routes[0] ("users"); give it a different pathPrefix, host or methods',
    ]);
  });
});
