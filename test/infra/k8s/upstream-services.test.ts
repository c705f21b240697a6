import { parseRouteTable } from '../../../app/src/config/route-table-loader';
import { upstreamServices } from '../../../infra/k8s/upstream-services';

describe('upstreamServices', () => {
  it('includes traffic-split variants and TCP listener upstreams, once each', () => {
    const table = parseRouteTable(
      {
        routes: [
          { name: 'users', match: { pathPrefix: '/api/users' }, upstream: { service: 'user-service', namespace: 'users', port: 8080 } },
          {
            name: 'catalog',
            match: { pathPrefix: '/api/catalog' },
            upstream: {
              variants: [
                { name: 'stable', service: 'catalog', namespace: 'shop', port: 80, weight: 90 },
                { name: 'canary', service: 'catalog-canary', namespace: 'shop', port: 80, weight: 10 },
              ],
            },
          },
          { name: 'again', match: { pathPrefix: '/again' }, upstream: { service: 'user-service', namespace: 'users', port: 8080 } },
        ],
        tcp: [{ name: 'game', port: 7000, upstream: { service: 'game-server', namespace: 'games', port: 7777 } }],
      },
      'test',
    );
    expect(upstreamServices(table)).toEqual([
      { service: 'game-server', namespace: 'games', port: 7777 },
      { service: 'catalog', namespace: 'shop', port: 80 },
      { service: 'catalog-canary', namespace: 'shop', port: 80 },
      { service: 'user-service', namespace: 'users', port: 8080 },
    ]);
  });
});
