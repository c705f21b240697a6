/**
 * Every error the gateway answers with itself (as opposed to relaying the upstream's).
 * Clients and runbooks key on `code`; the status is fixed per code.
 */
export const GATEWAY_ERRORS = {
  UAG_ERR_NO_ROUTE: { status: 404, message: 'no route matches this request' },
  UAG_ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed on this route' },
  UAG_ERR_BAD_PATH: { status: 400, message: 'request path is not acceptable' },
  UAG_ERR_BAD_HOST: { status: 400, message: 'Host must be a single valid host[:port]' },
  UAG_ERR_TOO_MANY_HEADERS: { status: 431, message: 'too many request header lines' },
  UAG_ERR_TRANSFER_CODING: { status: 501, message: 'only the chunked transfer coding is supported' },
  UAG_ERR_BODY_TOO_LARGE: { status: 413, message: 'request body exceeds the route limit' },
  UAG_ERR_BODY_TIMEOUT: { status: 408, message: 'the request body did not arrive in time' },
  UAG_ERR_UPLOADS_BUSY: { status: 503, message: 'too many uploads to this upstream at once' },
  UAG_ERR_UNFORWARDABLE: { status: 500, message: 'the gateway could not build the upstream request' },
  UAG_ERR_UPSTREAM_FAILED: { status: 502, message: 'upstream connection failed' },
  UAG_ERR_NO_UPSTREAM: { status: 503, message: 'no usable upstream' },
  UAG_ERR_UPSTREAM_TIMEOUT: { status: 504, message: 'upstream did not answer in time' },
  UAG_ERR_UNAUTHENTICATED: { status: 401, message: 'a valid bearer token is required' },
  UAG_ERR_FORBIDDEN: { status: 403, message: 'the token does not grant access to this route' },
  UAG_ERR_RATE_LIMITED: { status: 429, message: 'too many requests' },
  UAG_ERR_CIRCUIT_OPEN: { status: 503, message: 'upstream is failing; circuit open' },
  UAG_ERR_OVERLOADED: { status: 503, message: 'gateway is overloaded' },
  UAG_ERR_CORS_REJECTED: { status: 403, message: 'origin or method not allowed by CORS' },
  UAG_ERR_UPGRADE_REFUSED: { status: 400, message: 'this route does not accept WebSocket upgrades' },
} as const satisfies Record<string, { status: number; message: string }>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

/** Shape of every JSON error body the gateway writes. */
export interface GatewayErrorBody {
  error: { code: GatewayErrorCode; message: string; requestId: string };
}
