import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Printable, bounded ids only: an incoming id ends up in logs and upstream headers. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:\-]{1,128}$/;

/** Keeps a well-formed incoming `x-request-id`, otherwise makes a new one. */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
}
