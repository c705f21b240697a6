/** A verified caller, with the header values forwarded upstream precomputed once per token. */
export interface Identity {
  readonly userId: string;
  readonly roles: ReadonlySet<string>;
  readonly scopes: ReadonlySet<string>;
  /** Header name -> value, set on the upstream request after the client's copies are dropped. */
  readonly forwardHeaders: Readonly<Record<string, string>>;
}
