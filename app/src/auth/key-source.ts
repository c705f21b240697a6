import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { ConfigError } from '../config/config-error';
import type { JwtConfig } from '../contract';

/** What `jwtVerify` is given: a fixed public key or a JWKS resolver. */
export type VerificationKey = KeyObject | JWTVerifyGetKey;

/**
 * Resolves `auth.jwt`'s key source at start-up, so a missing or unreadable key fails start-up
 * rather than every request. Only public (asymmetric) keys are accepted: a key usable for HMAC
 * would let a token signed "with the public key" pass.
 */
export function loadVerificationKey(jwt: JwtConfig, env: { UAG_JWT_PUBLIC_KEY?: string | undefined }): VerificationKey {
  if (jwt.jwksUrl !== undefined) {
    return createRemoteJWKSet(new URL(jwt.jwksUrl), {
      cooldownDuration: jwt.jwksRefreshCooldownMs,
      cacheMaxAge: jwt.jwksCacheMaxAgeMs,
      timeoutDuration: jwt.jwksTimeoutMs,
    });
  }
  if (jwt.publicKeyFromEnv === true) {
    if (env.UAG_JWT_PUBLIC_KEY === undefined) {
      throw new ConfigError(['auth.jwt.publicKeyFromEnv: UAG_JWT_PUBLIC_KEY is unset; set it to a PEM (SPKI) or JWK public key']);
    }
    return parsePublicKey(env.UAG_JWT_PUBLIC_KEY, 'auth.jwt.publicKeyFromEnv: UAG_JWT_PUBLIC_KEY');
  }
  const path = jwt.publicKeyFile!;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`auth.jwt.publicKeyFile: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  return parsePublicKey(text, `auth.jwt.publicKeyFile (${path})`);
}

function parsePublicKey(text: string, source: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    key = trimmed.startsWith('{') ? createPublicKey({ key: JSON.parse(trimmed) as import('node:crypto').JsonWebKey, format: 'jwk' }) : createPublicKey(trimmed);
  } catch (error) {
    throw new ConfigError([`${source}: not a PEM (SPKI) or JWK public key (${(error as Error).message})`]);
  }
  return key;
}
