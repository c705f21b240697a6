/** Kubernetes resource quantities as numbers, for thresholds computed from limits. */

const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** `512Mi` -> 536870912. */
export function quantityToBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
  if (match === null) throw new Error(`memory quantity '${quantity}' must look like '512Mi', '1Gi' or '1000000'`);
  const suffix = match[2] ?? '';
  return Number(match[1]) * (BINARY_SUFFIXES[suffix] ?? DECIMAL_SUFFIXES[suffix]!);
}

/** `500m` -> 0.5, `2` -> 2. */
export function quantityToCores(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(quantity);
  if (match === null) throw new Error(`CPU quantity '${quantity}' must look like '500m' or '2'`);
  return match[2] === 'm' ? Number(match[1]) / 1000 : Number(match[1]);
}
