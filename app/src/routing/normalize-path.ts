/**
 * Canonical form of a request target, so that routing and the upstream see the same thing and no
 * route is reachable through a spelling the route table did not mean.
 */

export type NormalizedTarget =
  | {
      readonly ok: true;
      readonly path: string;
      readonly query: string;
      /** The authority of an absolute-form target (`http://host:port/path`), unchecked; undefined in origin-form. */
      readonly authority: string | undefined;
    }
  | { readonly ok: false; readonly reason: string };

const UNRESERVED = /[A-Za-z0-9\-_~]/;
/** Encodings that would change the meaning of segments once an upstream decodes them. */
const FORBIDDEN_ENCODINGS: Record<string, string> = {
  '2F': 'encoded "/"',
  '5C': 'encoded "\\"',
  '2E': 'encoded "."',
  '00': 'encoded NUL',
};
const ABSOLUTE_FORM = /^https?:\/\//i;
const MALFORMED_UTF8 = 'percent-encoding is not valid UTF-8';

/**
 * Splits `rawUrl` (as received) into a normalised path and the untouched query. Origin-form
 * (`/path?query`) and absolute-form (`http://authority/path?query`, RFC 9112 3.2.2) are accepted;
 * a fragment is not part of any request target (RFC 9112 3.2) and is refused rather than left for
 * the upstream to cut off after routing. Percent-encoded unreserved characters are decoded and
 * other escapes upper-cased (RFC 3986 6.2.2), and escapes must spell UTF-8 (RFC 3629: no overlong
 * forms, no surrogates), as the upstream's decoder expects; repeated slashes collapse; "." and
 * ".." segments are resolved, never above the root.
 */
export function normalizeTarget(rawUrl: string): NormalizedTarget {
  if (rawUrl.includes('#')) return { ok: false, reason: 'a request target has no fragment ("#")' };
  let authority: string | undefined;
  let target = rawUrl;
  if (!rawUrl.startsWith('/')) {
    const scheme = ABSOLUTE_FORM.exec(rawUrl);
    if (scheme === null) return { ok: false, reason: 'request target must be an absolute path' };
    const rest = rawUrl.slice(scheme[0].length);
    let authorityEnd = 0;
    while (authorityEnd < rest.length && rest[authorityEnd] !== '/' && rest[authorityEnd] !== '?') authorityEnd++;
    authority = rest.slice(0, authorityEnd);
    if (authority.includes('@')) return { ok: false, reason: 'user information in the request target' };
    target = rest[authorityEnd] === '/' ? rest.slice(authorityEnd) : `/${rest.slice(authorityEnd)}`;
  }
  const queryAt = target.indexOf('?');
  const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? '' : target.slice(queryAt);
  if (rawPath.includes('\\')) return { ok: false, reason: 'backslash in path' };

  let decoded = rawPath;
  if (rawPath.includes('%')) {
    const result = decodePercentEncoding(rawPath);
    if (!result.ok) return result;
    decoded = result.path;
  }

  const fast = !decoded.includes('//') && !decoded.includes('/.');
  if (fast) return { ok: true, path: decoded, query, authority };

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
  return { ok: true, path: `/${segments.join('/')}`, query, authority };
}

/** Decodes unreserved escapes, upper-cases the rest, and checks multi-byte escapes form UTF-8. */
function decodePercentEncoding(rawPath: string): { ok: true; path: string } | { ok: false; reason: string } {
  let out = '';
  // Continuation bytes the current UTF-8 sequence still needs, and the range the next one must fall in.
  let pending = 0;
  let low = 0x80;
  let high = 0xbf;
  for (let i = 0; i < rawPath.length; i++) {
    const ch = rawPath[i]!;
    if (ch !== '%') {
      if (pending > 0) return { ok: false, reason: MALFORMED_UTF8 };
      out += ch;
      continue;
    }
    const hex = rawPath.slice(i + 1, i + 3).toUpperCase();
    if (!/^[0-9A-F]{2}$/.test(hex)) return { ok: false, reason: 'malformed percent-encoding' };
    i += 2;
    const byte = parseInt(hex, 16);
    if (pending > 0) {
      if (byte < low || byte > high) return { ok: false, reason: MALFORMED_UTF8 };
      pending--;
      low = 0x80;
      high = 0xbf;
      out += `%${hex}`;
      continue;
    }
    if (byte < 0x80) {
      const forbidden = FORBIDDEN_ENCODINGS[hex];
      if (forbidden !== undefined) return { ok: false, reason: `${forbidden} in path` };
      const char = String.fromCharCode(byte);
      out += UNRESERVED.test(char) ? char : `%${hex}`;
      continue;
    }
    // RFC 3629 4: the lead byte fixes the length, and E0, ED, F0, F4 narrow the next byte's range.
    if (byte >= 0xc2 && byte <= 0xdf) pending = 1;
    else if (byte >= 0xe0 && byte <= 0xef) {
      pending = 2;
      if (byte === 0xe0) low = 0xa0;
      if (byte === 0xed) high = 0x9f;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      pending = 3;
      if (byte === 0xf0) low = 0x90;
      if (byte === 0xf4) high = 0x8f;
    } else return { ok: false, reason: MALFORMED_UTF8 };
    out += `%${hex}`;
  }
  if (pending > 0) return { ok: false, reason: MALFORMED_UTF8 };
  return { ok: true, path: out };
}
