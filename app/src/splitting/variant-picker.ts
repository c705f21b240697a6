import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { EDGE_DEFAULTS, type RouteConfig } from '../contract';
import type { Identity } from '../auth/identity';

export interface WeightedVariant {
  readonly name: string;
  readonly weight: number;
}

export interface VariantChoice<V> {
  readonly variant: V;
  /** Set when a sticky cookie was missing: the assignment the client must keep. */
  readonly setCookie?: string;
}

/** Thirty days: long enough that an A/B cohort stays put for an experiment. */
const STICKY_COOKIE_MAX_AGE_SECONDS = 30 * 24 * 3600;

/**
 * Chooses a route's variant: a forcing header first (`always`, `never` or a variant name), then
 * sticky assignment by a hash of the user id or a cookie, else weighted random.
 */
export class VariantPicker<V extends WeightedVariant> {
  private readonly cumulative: number[];
  private readonly total: number;
  private readonly byName: Map<string, V>;
  private readonly canary: V;
  private readonly baseline: V;
  private readonly cookieName: string | undefined;

  constructor(
    private readonly variants: readonly V[],
    private readonly config: Pick<RouteConfig, 'canaryHeader' | 'canaryVariant' | 'sticky'>,
    private readonly random: () => number = Math.random,
  ) {
    let sum = 0;
    this.cumulative = variants.map((v) => (sum += v.weight));
    this.total = sum;
    this.byName = new Map(variants.map((v) => [v.name, v]));
    const byWeight = [...variants].sort((a, b) => a.weight - b.weight);
    this.canary = (config.canaryVariant !== undefined ? this.byName.get(config.canaryVariant) : undefined) ?? byWeight[0]!;
    this.baseline = byWeight[byWeight.length - 1]!;
    this.cookieName = config.sticky?.by === 'cookie' ? (config.sticky.cookie ?? EDGE_DEFAULTS.sticky.cookie) : undefined;
  }

  pick(headers: IncomingHttpHeaders, identity: Identity | undefined): VariantChoice<V> {
    if (this.config.canaryHeader !== undefined) {
      const forced = this.forced(headers[this.config.canaryHeader]);
      if (forced !== undefined) return { variant: forced };
    }
    const sticky = this.config.sticky;
    if (sticky === undefined) return { variant: this.at(this.random() * this.total) };
    if (sticky.by === 'user') return { variant: this.at(hashToUnit(identity!.userId) * this.total) };
    const cookie = readCookie(headers.cookie, this.cookieName!);
    if (cookie !== undefined) return { variant: this.at(hashToUnit(cookie) * this.total) };
    const assigned = randomBytes(12).toString('base64url');
    return {
      variant: this.at(hashToUnit(assigned) * this.total),
      setCookie: `${this.cookieName}=${assigned}; Path=/; Max-Age=${STICKY_COOKIE_MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax`,
    };
  }

  private forced(value: string | string[] | undefined): V | undefined {
    if (typeof value !== 'string') return undefined;
    if (value === EDGE_DEFAULTS.canary.alwaysValue) return this.canary;
    if (value === EDGE_DEFAULTS.canary.neverValue) return this.baseline;
    return this.byName.get(value);
  }

  /** The variant whose cumulative weight range holds `point` (0 <= point < total). */
  private at(point: number): V {
    for (let index = 0; index < this.cumulative.length; index++) if (point < this.cumulative[index]!) return this.variants[index]!;
    return this.variants[this.variants.length - 1]!;
  }
}

/** FNV-1a, scaled to [0, 1): stable across processes and replicas, unlike Math.random. */
export function hashToUnit(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 0x1_0000_0000;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
