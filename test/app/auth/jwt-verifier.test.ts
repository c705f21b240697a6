import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportSPKI } from 'jose';
import { BoundedExpiringCache } from '../../../app/src/auth/bounded-cache';
import { JwtVerifier } from '../../../app/src/auth/jwt-verifier';
import { loadVerificationKey } from '../../../app/src/auth/key-source';
import { ConfigError } from '../../../app/src/config/config-error';
import { parseRouteTable } from '../../../app/src/config/route-table-loader';
import type { JwtConfig } from '../../../app/src/contract';
import { AUDIENCE, ISSUER, makeKey, signToken } from '../../support/jwks-server';

function jwtConfig(extra: Record<string, unknown> = {}): JwtConfig {
  const table = parseRouteTable(
    { auth: { jwt: { publicKeyFromEnv: true, issuer: ISSUER, audience: AUDIENCE, ...extra } }, routes: [{ name: 'r', match: { pathPrefix: '/' }, upstream: { url: 'http://127.0.0.1:1' } }] },
    'test',
  );
  return table.auth!.jwt!;
}

describe('JwtVerifier', () => {
  test('a verified token is served from the cache until it expires (plus skew), then verified again', async () => {
    const key = await makeKey('k');
    let now = Date.now();
    const verifier = new JwtVerifier(jwtConfig({ clockSkewSeconds: 0 }), loadVerificationKey(jwtConfig(), { UAG_JWT_PUBLIC_KEY: await exportSPKI(key.publicKey) }), () => now);
    const expiresAt = Math.floor(now / 1000) + 60;
    const token = await signToken(key, {}, { expiresIn: expiresAt });
    expect(verifier.cached(token)).toBeUndefined();
    expect((await verifier.verify(token)).ok).toBe(true);
    expect(verifier.cached(token)?.userId).toBe('user-1');
    now = expiresAt * 1000;
    expect(verifier.cached(token)).toBeUndefined();
    expect(await verifier.verify(token)).toEqual({ ok: false, reason: 'expired', detail: 'token expired' });
  });

  test('a JWK public key from UAG_JWT_PUBLIC_KEY works like a PEM', async () => {
    const key = await makeKey('k', 'ES256');
    const verifier = new JwtVerifier(jwtConfig({ algorithms: ['ES256'] }), loadVerificationKey(jwtConfig(), { UAG_JWT_PUBLIC_KEY: JSON.stringify(await exportJWK(key.publicKey)) }));
    expect((await verifier.verify(await signToken(key))).ok).toBe(true);
  });

  test('a PEM public key from a mounted file (publicKeyFile) verifies tokens; a missing file fails start-up', async () => {
    const key = await makeKey('k');
    const path = join(mkdtempSync(join(tmpdir(), 'uag-jwt-')), 'jwt.pem');
    writeFileSync(path, await exportSPKI(key.publicKey));
    const config = jwtConfig({ publicKeyFromEnv: undefined, publicKeyFile: path });
    expect((await new JwtVerifier(config, loadVerificationKey(config, {})).verify(await signToken(key))).ok).toBe(true);
    const missing = jwtConfig({ publicKeyFromEnv: undefined, publicKeyFile: `${path}.gone` });
    expect(() => loadVerificationKey(missing, {})).toThrow(`auth.jwt.publicKeyFile: cannot read ${path}.gone: ENOENT`);
  });

  test('publicKeyFromEnv without UAG_JWT_PUBLIC_KEY, or with junk in it, fails start-up naming the variable', () => {
    expect(() => loadVerificationKey(jwtConfig(), {})).toThrow(new ConfigError(['auth.jwt.publicKeyFromEnv: UAG_JWT_PUBLIC_KEY is unset; set it to a PEM (SPKI) or JWK public key']));
    expect(() => loadVerificationKey(jwtConfig(), { UAG_JWT_PUBLIC_KEY: 'not a key' })).toThrow(/^auth.jwt.publicKeyFromEnv: UAG_JWT_PUBLIC_KEY: not a PEM \(SPKI\) or JWK public key/);
  });
});

describe('BoundedExpiringCache', () => {
  test('forgets the oldest entry beyond its capacity', () => {
    const cache = new BoundedExpiringCache<number>(2, () => 0);
    cache.set('a', 1, 10);
    cache.set('b', 2, 10);
    cache.set('c', 3, 10);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).toEqual([undefined, 2, 3, 2]);
  });
});
