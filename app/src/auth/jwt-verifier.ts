import { errors, jwtVerify, type JWTPayload } from 'jose';
import type { AuthRejectReason, JwtConfig } from '../contract';
import { BoundedExpiringCache } from './bounded-cache';
import { identityHeaderValue, type Identity } from './identity';
import type { VerificationKey } from './key-source';

export type VerifyResult = { readonly ok: true; readonly identity: Identity } | { readonly ok: false; readonly reason: AuthRejectReason; readonly detail: string };

/**
 * Verifies bearer tokens against one issuer. Verified tokens are cached until they expire, so a
 * client reusing its token costs one map lookup; failures are not cached (they are cheap to
 * reject again and caching them would let junk tokens evict good ones).
 */
export class JwtVerifier {
  private readonly cache: BoundedExpiringCache<Identity>;
  private readonly verifyOptions: Parameters<typeof jwtVerify>[2];

  constructor(
    private readonly config: JwtConfig,
    private readonly key: VerificationKey,
    private readonly now: () => number = Date.now,
  ) {
    this.cache = new BoundedExpiringCache(config.tokenCacheSize, now);
    this.verifyOptions = {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: config.algorithms,
      clockTolerance: config.clockSkewSeconds,
      requiredClaims: ['exp'],
    };
  }

  /** The cached identity for `token`, if it was verified before and has not expired. */
  cached(token: string): Identity | undefined {
    return this.cache.get(token);
  }

  async verify(token: string): Promise<VerifyResult> {
    let payload: JWTPayload;
    try {
      const options = { ...this.verifyOptions, currentDate: new Date(this.now()) };
      // Overloads differ only in the key's type; both shapes are valid here.
      ({ payload } = typeof this.key === 'function' ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options));
    } catch (error) {
      return { ok: false, ...describeFailure(error) };
    }
    const identity = this.identityOf(payload);
    if (identity === undefined) return { ok: false, reason: 'invalid', detail: `token lacks the "${this.config.userIdClaim}" claim` };
    // exp is required above; the skew mirrors what verification tolerated.
    this.cache.set(token, identity, (payload.exp! + this.config.clockSkewSeconds) * 1000);
    return { ok: true, identity };
  }

  private identityOf(payload: JWTPayload): Identity | undefined {
    const userId = payload[this.config.userIdClaim];
    if (typeof userId !== 'string' || userId === '') return undefined;
    const roles = stringList(payload[this.config.rolesClaim]);
    const scopes = stringList(payload[this.config.scopesClaim]);
    return {
      userId,
      roles: new Set(roles),
      scopes: new Set(scopes),
      forwardHeaders: {
        [this.config.userIdHeader]: identityHeaderValue(userId),
        [this.config.rolesHeader]: roles.map(identityHeaderValue).join(','),
        [this.config.scopesHeader]: scopes.map(identityHeaderValue).join(' '),
      },
    };
  }
}

/** Claims arrive as an array or as an RFC 8693 space-separated string. */
function stringList(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(' ').filter((s) => s !== '');
  if (Array.isArray(claim)) return claim.filter((s): s is string => typeof s === 'string');
  return [];
}

/** Short, fixed reasons: the client learns what to fix, never anything echoed from its token. */
function describeFailure(error: unknown): { reason: AuthRejectReason; detail: string } {
  if (error instanceof errors.JWTExpired) return { reason: 'expired', detail: 'token expired' };
  if (error instanceof errors.JWTClaimValidationFailed) {
    const detail =
      error.claim === 'nbf' ? 'token not yet valid'
      : error.claim === 'iss' ? 'wrong issuer'
      : error.claim === 'aud' ? 'wrong audience'
      : error.claim === 'exp' ? 'token has no expiry'
      : 'claim check failed';
    return { reason: 'invalid', detail };
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return { reason: 'invalid', detail: 'algorithm not allowed' };
  if (error instanceof errors.JWKSNoMatchingKey) return { reason: 'invalid', detail: 'unknown signing key' };
  if (error instanceof errors.JWSSignatureVerificationFailed) return { reason: 'invalid', detail: 'signature invalid' };
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return { reason: 'invalid', detail: 'signing keys unavailable' };
  // Anything that is not a JOSE error came from fetching the JWKS, not from the token.
  if (!(error instanceof errors.JOSEError)) return { reason: 'invalid', detail: 'signing keys unavailable' };
  return { reason: 'invalid', detail: 'malformed token' };
}
