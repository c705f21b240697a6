/**
 * The host a request names, read the way upstreams read it, so that no spelling of a host can
 * miss a host-bound route and land on a catch-all the upstream then serves as the same host.
 */

/** RFC 3986 3.2.2 reg-name characters: unreserved and sub-delims (percent-encoding, which no DNS name needs, is refused). */
const REG_NAME_CHARS = new Uint8Array(128);
for (const ch of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=") REG_NAME_CHARS[ch.charCodeAt(0)] = 1;
const IP_LITERAL_CHARS = new Uint8Array(128);
for (const ch of '0123456789abcdefABCDEF:.') IP_LITERAL_CHARS[ch.charCodeAt(0)] = 1;

const COLON = 0x3a;
const DOT = 0x2e;
const MAX_PORT_DIGITS = 5;

/**
 * The host name of a Host value or absolute-form authority (`host[:port]`, RFC 9112 3.2 and
 * RFC 3986 3.2.2) as routing compares it: lower case, without the port and without one trailing
 * dot (the FQDN spelling, which names the same host), as nginx compares it
 * (ngx_http_validate_host in src/http/ngx_http_request.c at release-1.22.1). Undefined when the
 * value is not a valid host[:port]: empty, an empty label (`a..b`), a character outside the
 * reg-name set (space, "/", "?", "@", "%"...), an unclosed IP literal, or a port that is not 0-5
 * digits. Allocates nothing for a lower-case host without port or dot.
 */
export function hostName(value: string): string | undefined {
  const length = value.length;
  let end: number;
  let upperCase = false;
  if (value.charCodeAt(0) === 0x5b /* [ */) {
    end = value.indexOf(']');
    if (end < 2) return undefined;
    for (let i = 1; i < end; i++) {
      const code = value.charCodeAt(i);
      if (code > 0x7f || IP_LITERAL_CHARS[code] !== 1) return undefined;
      if (code >= 0x41 && code <= 0x46) upperCase = true;
    }
    end++;
  } else {
    let labelStart = 0;
    for (end = 0; end < length; end++) {
      const code = value.charCodeAt(end);
      if (code === COLON) break;
      if (code === DOT) {
        if (end === labelStart) return undefined;
        labelStart = end + 1;
      } else if (code > 0x7f || REG_NAME_CHARS[code] !== 1) return undefined;
      else if (code >= 0x41 && code <= 0x5a) upperCase = true;
    }
    if (end === 0) return undefined;
  }
  if (end < length) {
    if (value.charCodeAt(end) !== COLON || length - end - 1 > MAX_PORT_DIGITS) return undefined;
    for (let i = end + 1; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code < 0x30 || code > 0x39) return undefined;
    }
  }
  const nameEnd = value.charCodeAt(end - 1) === DOT ? end - 1 : end;
  const name = nameEnd === length ? value : value.slice(0, nameEnd);
  return upperCase ? name.toLowerCase() : name;
}

/**
 * How many header lines of `rawHeaders` (name, value, name, value...) are named Host, in any
 * case; compared code by code so the common single Host costs no string.
 */
export function hostLineCount(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (
      name.length === 4 &&
      (name.charCodeAt(0) | 0x20) === 0x68 &&
      (name.charCodeAt(1) | 0x20) === 0x6f &&
      (name.charCodeAt(2) | 0x20) === 0x73 &&
      (name.charCodeAt(3) | 0x20) === 0x74
    ) {
      count++;
    }
  }
  return count;
}
