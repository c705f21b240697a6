import { hashToUnit, VariantPicker } from '../../../app/src/splitting/variant-picker';
import { metricValue, scrape, startGateway, startUpstream } from '../../support/edge-harness';
import { makeKey, signToken, startJwksServer, AUDIENCE, ISSUER } from '../../support/jwks-server';

const variants = [
  { name: 'stable', weight: 90 },
  { name: 'canary', weight: 10 },
];

describe('VariantPicker', () => {
  test('weighted choice stays within a statistical tolerance of 90/10 over many picks', () => {
    const picker = new VariantPicker(variants, {});
    const counts = { stable: 0, canary: 0 };
    const n = 20_000;
    for (let i = 0; i < n; i++) counts[picker.pick({}, undefined).variant.name as 'stable' | 'canary']++;
    // Binomial sd for p = 0.1, n = 20000 is ~42; 5 sd is a tolerance a correct picker never misses.
    expect(Math.abs(counts.canary - n * 0.1)).toBeLessThan(5 * Math.sqrt(n * 0.1 * 0.9));
  });

  test('the canary header forces a variant: always, never or a variant name', () => {
    const picker = new VariantPicker(variants, { canaryHeader: 'x-canary' }, () => 0);
    expect(picker.pick({ 'x-canary': 'always' }, undefined).variant.name).toBe('canary');
    expect(picker.pick({ 'x-canary': 'never' }, undefined).variant.name).toBe('stable');
    expect(picker.pick({ 'x-canary': 'canary' }, undefined).variant.name).toBe('canary');
    expect(picker.pick({ 'x-canary': 'bogus' }, undefined).variant.name).toBe('stable');
  });

  test('sticky by cookie: a missing cookie is assigned, and the same cookie always lands on the same variant', () => {
    const picker = new VariantPicker(variants, { sticky: { by: 'cookie' } });
    const first = picker.pick({}, undefined);
    expect(first.setCookie).toMatch(/^uag-variant=[A-Za-z0-9_-]+; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax$/);
    const cookie = first.setCookie!.split(';')[0]!;
    for (let i = 0; i < 20; i++) expect(picker.pick({ cookie: `a=b; ${cookie}` }, undefined).variant).toBe(first.variant);
  });

  test('hashToUnit spreads ids over [0, 1)', () => {
    const values = Array.from({ length: 1000 }, (_, i) => hashToUnit(`user-${i}`));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(values.filter((v) => v < 0.1).length).toBeGreaterThan(50);
    expect(values.filter((v) => v < 0.1).length).toBeLessThan(150);
  });
});

describe('traffic splitting through the gateway', () => {
  test('weights hold over many requests; the forced variant goes to its upstream, is a metric label, and sticks to the user', async () => {
    const [stable, canary] = await Promise.all([startUpstream('stable'), startUpstream('canary')]);
    const key = await makeKey('k');
    const jwks = await startJwksServer([key]);
    const started = await startGateway({
      auth: { jwt: { jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE } },
      routes: [
        {
          name: 'catalog',
          match: { pathPrefix: '/api/catalog' },
          auth: 'none',
          upstream: { variants: [{ name: 'stable', url: stable.url, weight: 90 }, { name: 'canary', url: canary.url, weight: 10 }] },
          canaryHeader: 'x-canary',
        },
        {
          name: 'ab',
          match: { pathPrefix: '/api/ab' },
          upstream: { variants: [{ name: 'a', url: stable.url, weight: 50 }, { name: 'b', url: canary.url, weight: 50 }] },
          sticky: { by: 'user' },
        },
      ],
    });
    const n = 400;
    for (let i = 0; i < n; i++) await (await fetch(`${started.base}/api/catalog/x`)).arrayBuffer();
    // 90/10 over 400 requests: sd 6; 5 sd is a tolerance a correct split never misses.
    expect(Math.abs(canary.seen.length - n * 0.1)).toBeLessThan(5 * Math.sqrt(n * 0.1 * 0.9));
    expect(stable.seen.length + canary.seen.length).toBe(n);
    const canaryBefore = canary.seen.length;
    const forced = await fetch(`${started.base}/api/catalog/x`, { headers: { 'x-canary': 'always' } });
    expect(await forced.json()).toEqual({ name: 'canary' });
    expect(canary.seen.length).toBe(canaryBefore + 1);
    expect(metricValue(await scrape(started), 'gateway_requests_total', { protocol: 'http', route: 'catalog', method: 'GET', code: '200', variant: 'canary' })).toBe(canaryBefore + 1);

    for (const user of ['alice', 'bob', 'carol', 'dave']) {
      const token = await signToken(key, { sub: user });
      const names = new Set<string>();
      for (let i = 0; i < 5; i++) names.add(((await (await fetch(`${started.base}/api/ab`, { headers: { authorization: `Bearer ${token}` } })).json()) as { name: string }).name);
      expect(names.size).toBe(1);
    }
  });
});
