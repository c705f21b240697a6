import type { FastifyReply } from 'fastify';
import type { HeaderMap } from './hop-by-hop';

/**
 * Headers the gateway adds to every answer of one request (CORS, security headers, the sticky
 * variant cookie). They are set on the reply for the answers Fastify sends and kept by the caller
 * for the proxied answer, which is written past Fastify: reading them back with
 * `reply.getHeaders()` copied all of them twice on every request.
 *
 * Sets `headers` on the reply and returns them merged into those already held.
 */
export function addAnswerHeaders(reply: FastifyReply, held: Readonly<HeaderMap> | undefined, headers: Readonly<HeaderMap>): Readonly<HeaderMap> {
  reply.headers(headers);
  return held === undefined ? headers : { ...held, ...headers };
}

/**
 * Puts the gateway's answer headers onto the upstream's response headers. The gateway's value
 * replaces the upstream's, except where both must survive: `set-cookie` keeps the upstream's
 * cookies next to the gateway's, and `vary` lists both sides' fields, so a cache that varies on
 * `accept-encoding` still does when CORS adds `origin`.
 */
export function mergeAnswerHeaders(response: HeaderMap, answer: Readonly<HeaderMap>): void {
  for (const name in answer) {
    const ours = answer[name]!;
    const theirs = response[name];
    if (theirs === undefined) response[name] = ours;
    else if (name === 'set-cookie') response[name] = [...asList(theirs), ...asList(ours)];
    else if (name === 'vary') response[name] = unionOfTokens(theirs, ours);
    else response[name] = ours;
  }
}

/** Adds the `defaults` the upstream did not send itself: its own values win. */
export function addMissingHeaders(response: HeaderMap, defaults: Readonly<HeaderMap>): void {
  for (const name in defaults) if (response[name] === undefined) response[name] = defaults[name]!;
}

function asList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

function unionOfTokens(first: string | string[], second: string | string[]): string {
  const tokens = new Map<string, string>();
  for (const value of [...asList(first), ...asList(second)]) {
    for (const raw of value.split(',')) {
      const token = raw.trim();
      if (token !== '' && !tokens.has(token.toLowerCase())) tokens.set(token.toLowerCase(), token);
    }
  }
  return tokens.has('*') ? '*' : [...tokens.values()].join(', ');
}
