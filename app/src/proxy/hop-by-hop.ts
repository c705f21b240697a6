import type { IncomingHttpHeaders } from 'node:http';

/** RFC 9110 7.6.1 connection-specific fields, plus those a proxy must consume itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

export type HeaderMap = Record<string, string | string[]>;

/**
 * Copies `headers` without hop-by-hop fields, including any listed in `Connection`, and
 * without the names in `drop` (already lower-case).
 */
export function endToEndHeaders(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>, drop?: ReadonlySet<string>): HeaderMap {
  const connection = headers.connection;
  let listed: Set<string> | undefined;
  if (connection !== undefined) {
    const tokens = (Array.isArray(connection) ? connection.join(',') : connection).split(',');
    for (const token of tokens) {
      const name = token.trim().toLowerCase();
      if (name !== '' && name !== 'close' && name !== 'keep-alive') (listed ??= new Set()).add(name);
    }
  }
  const out: HeaderMap = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || listed?.has(name) || drop?.has(name)) continue;
    out[name] = value;
  }
  return out;
}
