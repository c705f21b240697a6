import type { RouteConfig } from '../contract';
import type { Rejection, RequestGuard } from '../edge/request-guard';
import type { GatewayMetrics } from '../telemetry/gateway-metrics';
import type { Identity } from './identity';
import type { JwtVerifier, VerifyResult } from './jwt-verifier';

const REALM = 'uag';
const BEARER = /^Bearer +([A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]*\.[A-Za-z0-9_=-]*)$/i;

/**
 * `auth: jwt` for one route: 401 (with `WWW-Authenticate`) for a missing or bad token, 403 for
 * a good token without the required roles or scopes. The identity is left on the context for
 * the rate limiter, the variant picker and the forwarded headers.
 */
export function createAuthGuard(route: Pick<RouteConfig, 'name' | 'requireRoles' | 'requireScopes'>, verifier: JwtVerifier, metrics: GatewayMetrics): RequestGuard {
  const { name, requireRoles = [], requireScopes = [] } = route;
  const missing: Rejection = { code: 'UAG_ERR_UNAUTHENTICATED', detail: 'missing bearer token', headers: { 'www-authenticate': `Bearer realm="${REALM}"` } };

  const authorize = (identity: Identity): Rejection | undefined => {
    const lacking = requireRoles.find((role) => !identity.roles.has(role)) ?? requireScopes.find((scope) => !identity.scopes.has(scope));
    if (lacking === undefined) return undefined;
    metrics.rejectedAuth(name, 'forbidden');
    return {
      code: 'UAG_ERR_FORBIDDEN',
      detail: requireRoles.includes(lacking) ? `role "${lacking}" required` : `scope "${lacking}" required`,
      headers: { 'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope"` },
    };
  };

  const settle = (result: VerifyResult): Rejection | undefined => {
    if (!result.ok) {
      metrics.rejectedAuth(name, result.reason);
      return {
        code: 'UAG_ERR_UNAUTHENTICATED',
        detail: result.detail,
        headers: { 'www-authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${result.detail}"` },
      };
    }
    return undefined;
  };

  return (context) => {
    const header = context.headers.authorization;
    const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
    if (token === undefined) {
      metrics.rejectedAuth(name, 'missing');
      return missing;
    }
    const known = verifier.cached(token);
    if (known !== undefined) {
      context.identity = known;
      return authorize(known);
    }
    return verifier.verify(token).then((result) => {
      const rejection = settle(result);
      if (rejection !== undefined || !result.ok) return rejection;
      context.identity = result.identity;
      return authorize(result.identity);
    });
  };
}
