/**
 * Canonical form of a request target's path, so that routing and the upstream see the same
 * thing and no route is reachable through a spelling the route table did not mean.
 */

export type NormalizedTarget =
  | { readonly ok: true; readonly path: string; readonly query: string }
  | { readonly ok: false; readonly reason: string };

const UNRESERVED = /[A-Za-z0-9\-_~]/;
/** Encodings that would change the meaning of segments once an upstream decodes them. */
const FORBIDDEN_ENCODINGS: Record<string, string> = {
  '2F': 'encoded "/"',
  '5C': 'encoded "\\"',
  '2E': 'encoded "."',
  '00': 'encoded NUL',
};

/**
 * Splits `rawUrl` (origin-form, as received) into a normalised path and the untouched query.
 * Percent-encoded unreserved characters are decoded and other escapes upper-cased (RFC 3986
 * 6.2.2); repeated slashes collapse; "." and ".." segments are resolved, never above the root.
 */
export function normalizeTarget(rawUrl: string): NormalizedTarget {
  if (!rawUrl.startsWith('/')) return { ok: false, reason: 'request target must be an absolute path' };
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const query = queryAt === -1 ? '' : rawUrl.slice(queryAt);
  if (rawPath.includes('\\')) return { ok: false, reason: 'backslash in path' };

  let decoded = rawPath;
  if (rawPath.includes('%')) {
    let out = '';
    for (let i = 0; i < rawPath.length; i++) {
      const ch = rawPath[i]!;
      if (ch !== '%') {
        out += ch;
        continue;
      }
      const hex = rawPath.slice(i + 1, i + 3).toUpperCase();
      if (!/^[0-9A-F]{2}$/.test(hex)) return { ok: false, reason: 'malformed percent-encoding' };
      const forbidden = FORBIDDEN_ENCODINGS[hex];
      if (forbidden !== undefined) return { ok: false, reason: `${forbidden} in path` };
      const char = String.fromCharCode(parseInt(hex, 16));
      out += UNRESERVED.test(char) ? char : `%${hex}`;
      i += 2;
    }
    decoded = out;
  }

  const fast = !decoded.includes('//') && !decoded.includes('/.');
  if (fast) return { ok: true, path: decoded, query };

  const segments: string[] = [];
  const parts = decoded.split('/');
  for (let i = 1; i < parts.length; i++) {
    const segment = parts[i]!;
    const last = i === parts.length - 1;
    if (segment === '' && !last) continue;
    if (segment === '.') {
      if (last) segments.push('');
      continue;
    }
    if (segment === '..') {
      segments.pop();
      if (last) segments.push('');
      continue;
    }
    segments.push(segment);
  }
  return { ok: true, path: `/${segments.join('/')}`, query };
}
