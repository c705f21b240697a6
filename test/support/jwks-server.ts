import { writeFileSync } from 'node:fs';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';
import { startLoopbackServer } from '../helpers/loopback-server';
import { onCleanup } from './edge-harness';

export interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: KeyLike;
  readonly publicKey: KeyLike;
  readonly jwk: JWK;
}

export async function makeKey(kid: string, alg: 'RS256' | 'ES256' = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** Writes `key`'s public half to `path` as PEM (SPKI), for `auth.jwt.publicKeyFile`; returns `path`. */
export async function writePublicKeyFile(key: SigningKey, path: string): Promise<string> {
  writeFileSync(path, await exportSPKI(key.publicKey));
  return path;
}

/** A JWKS endpoint on 127.0.0.1 whose key set tests can rotate; counts fetches. */
export interface JwksServer {
  readonly url: string;
  keys: SigningKey[];
  fetches: number;
}

export async function startJwksServer(keys: SigningKey[]): Promise<JwksServer> {
  const state = { keys, fetches: 0 } as JwksServer & { url: string };
  const server = await startLoopbackServer((_request, response) => {
    state.fetches++;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: state.keys.map((k) => k.jwk) }));
  });
  onCleanup(() => server.close());
  state.url = `${server.url}/.well-known/jwks.json`;
  return state;
}

export const ISSUER = 'https://auth.example.test/';
export const AUDIENCE = 'uag';

/** A token for `key` with sensible valid claims; `claims` and `options` override them. */
export async function signToken(
  key: Pick<SigningKey, 'kid' | 'alg' | 'privateKey'>,
  claims: JWTPayload = {},
  options: { expiresIn?: string | number; notBefore?: string | number; issuer?: string; audience?: string } = {},
): Promise<string> {
  const jwt = new SignJWT({ sub: 'user-1', roles: ['reader'], scope: 'read write', ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuedAt()
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setExpirationTime(options.expiresIn ?? '5m');
  if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
  return jwt.sign(key.privateKey);
}
