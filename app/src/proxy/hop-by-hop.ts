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

export interface DroppedHeadersOptions {
  /**
   * Names containing "_": `keep` them, `drop` them all, or `fold` them (keep them unless, with
   * "_" read as "-", they name a dropped header). CGI and WSGI servers and many frameworks read
   * `X_User_Id` as `X-User-Id`, so a request copy must never keep both spellings' meaning apart.
   * @default 'keep'
   */
  readonly underscores?: 'keep' | 'drop' | 'fold';
  /** Names starting with this are dropped as well (a whole family, such as `x-forwarded-`). @default none */
  readonly prefix?: string;
}

/**
 * The header names a forwarded copy leaves out: every hop-by-hop field plus the names the caller
 * replaces or must not pass on, held in one set so each copied header costs one lookup.
 */
export class DroppedHeaders {
  private readonly names: ReadonlySet<string>;
  private readonly underscores: 'keep' | 'drop' | 'fold';
  private readonly prefix: string | undefined;

  /** @param replaced lower-case names on top of the hop-by-hop fields */
  constructor(replaced: Iterable<string> = [], options: DroppedHeadersOptions = {}) {
    const names = [...HOP_BY_HOP, ...replaced];
    // A configured name spelled with "_" is also dropped in its "-" spelling.
    this.names = new Set([...names, ...names.map(foldUnderscores)]);
    this.underscores = options.underscores ?? 'keep';
    this.prefix = options.prefix;
  }

  has(name: string): boolean {
    if (this.names.has(name)) return true;
    if (this.prefix !== undefined && name.startsWith(this.prefix)) return true;
    if (this.underscores === 'keep' || !name.includes('_')) return false;
    if (this.underscores === 'drop') return true;
    const folded = foldUnderscores(name);
    return this.names.has(folded) || (this.prefix !== undefined && folded.startsWith(this.prefix));
  }
}

function foldUnderscores(name: string): string {
  return name.replaceAll('_', '-');
}

const HOP_BY_HOP_ONLY = new DroppedHeaders();

/**
 * `Connection` values that name no other field, as nearly every client and upstream sends them;
 * recognising them whole spares the split and the set a listed field needs.
 */
const NAMES_NO_FIELD: ReadonlySet<string> = new Set(['keep-alive', 'close', 'Keep-Alive', 'Close']);

/** Copies `headers` without the names in `drop` and without any listed in `Connection`. */
export function endToEndHeaders(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>, drop: DroppedHeaders = HOP_BY_HOP_ONLY): HeaderMap {
  const connection = headers.connection;
  let listed: Set<string> | undefined;
  if (connection !== undefined && !(typeof connection === 'string' && NAMES_NO_FIELD.has(connection))) {
    const tokens = (Array.isArray(connection) ? connection.join(',') : connection).split(',');
    for (const token of tokens) {
      const name = token.trim().toLowerCase();
      if (name !== '' && name !== 'close' && name !== 'keep-alive') (listed ??= new Set()).add(name);
    }
  }
  const out: HeaderMap = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || drop.has(name) || listed?.has(name)) continue;
    out[name] = value;
  }
  return out;
}
