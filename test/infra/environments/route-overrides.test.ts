import type { RouteTableInput } from '../../../app/src/contract';
import { ENVIRONMENT_DEFAULTS, defineEnvironment, type RouteTableOverrides } from '../../../infra/environments';
import { composeRouteTable } from '../../../infra/environments/route-overrides';

const files = { shared: 'infra/environments/defaults.ts', environment: 'infra/environments/dev.ts' };
const route = (name: string, pathPrefix = `/api/${name}`) => ({ name, match: { pathPrefix }, upstream: { service: `${name}-service`, namespace: name, port: 8080 } });
const shared: RouteTableInput = { routes: [route('users'), route('orders')], tcp: [{ name: 'game', port: 7000, upstream: { service: 'game', namespace: 'games', port: 7000 } }] };
const names = (table: RouteTableInput) => table.routes.map((r) => r.name);

describe('composeRouteTable', () => {
  it('a route added in one environment keeps the shared routes (regression: routes: { routes: [x] } dropped users and orders)', () => {
    const sharedNames = ENVIRONMENT_DEFAULTS.routes.routes.map((r) => r.name);
    const spec = defineEnvironment({ name: 'dev', ingress: { hosts: ['a.test'], tlsCredentialName: 't' }, routes: { add: [route('billing')] } });
    expect(names(spec.routes)).toEqual([...sharedNames, 'billing']);
  });

  it('adds at the end, replaces in place and removes by name, recording where each route was written', () => {
    const composed = composeRouteTable(shared, { remove: ['orders'], replace: [{ ...route('users'), timeoutMs: 5000 }], add: [route('billing')] }, files);
    expect(composed.problems).toEqual([]);
    expect(composed.table.routes).toEqual([{ ...route('users'), timeoutMs: 5000 }, route('billing')]);
    expect(composed.routeOrigins).toEqual([
      { file: files.environment, path: 'routes.replace[0]' },
      { file: files.environment, path: 'routes.add[0]' },
    ]);
  });

  it('changes TCP listeners by name the same way, and merges auth field by field', () => {
    const withAuth: RouteTableInput = { ...shared, auth: { jwt: { jwksUrl: 'http://jwks.test/keys', issuer: 'https://a/', audience: 'x' } } };
    const overrides: RouteTableOverrides = { tcp: { add: [{ name: 'chat', port: 7001, upstream: { service: 'chat', namespace: 'chat', port: 7001 } }] }, auth: { jwt: { audience: 'y' } } };
    const composed = composeRouteTable(withAuth, overrides, files);
    expect(composed.table.tcp?.map((l) => l.name)).toEqual(['game', 'chat']);
    expect(composed.tcpOrigins).toEqual([
      { file: files.shared, path: 'routes.tcp[0]' },
      { file: files.environment, path: 'routes.tcp.add[0]' },
    ]);
    expect(composed.table.auth).toEqual({ jwt: { jwksUrl: 'http://jwks.test/keys', issuer: 'https://a/', audience: 'y' } });
  });

  it('leaves the shared table untouched without overrides', () => {
    const composed = composeRouteTable(shared, undefined, files);
    expect(composed.table).toBe(shared);
    expect(composed.routeOrigins).toEqual([
      { file: files.shared, path: 'routes.routes[0]' },
      { file: files.shared, path: 'routes.routes[1]' },
    ]);
  });

  it('reports what cannot be applied, naming the file, the override and the fix', () => {
    const composed = composeRouteTable(
      shared,
      { add: [route('users')], replace: [route('payments')], remove: ['ghost', 'orders'], tcp: { remove: ['orders'] } },
      files,
    );
    expect(composed.problems).toEqual([
      'infra/environments/dev.ts: routes.remove[0] ("ghost") is not a shared routes entry: the shared routes in infra/environments/defaults.ts are "users", "orders"',
      'infra/environments/dev.ts: routes.replace[0] ("payments") replaces no shared routes entry: the shared routes in infra/environments/defaults.ts are "users", "orders"; use routes.add for a new one',
      'infra/environments/dev.ts: routes.add[0] ("users") is already a shared routes entry in infra/environments/defaults.ts; use routes.replace to change it',
      'infra/environments/dev.ts: routes.tcp.remove[0] ("orders") is not a shared tcp entry: the shared tcp in infra/environments/defaults.ts are "game"',
    ]);
    expect(names(composed.table)).toEqual(['users']);
  });

  it('refuses one name changed twice', () => {
    expect(composeRouteTable(shared, { remove: ['users'], add: [route('users')] }, files).problems).toEqual([
      'infra/environments/dev.ts: routes.add[0] ("users") names the same entry as routes.remove[0]; change each route once',
    ]);
  });

  it('explains the override shape when a file still replaces the whole list', () => {
    const legacy = { routes: [route('billing')] } as unknown as RouteTableOverrides;
    const composed = composeRouteTable(shared, legacy, files);
    expect(composed.problems).toEqual([
      'infra/environments/dev.ts: routes.routes is not a setting: an environment changes the shared routes by name with routes.add, routes.replace and routes.remove (infra/README.md, "Change an environment")',
    ]);
    expect(names(composed.table)).toEqual(['users', 'orders']);
  });
});
