import { Size } from 'cdk8s';
import type { ComputeResources } from '../environments/types';
import * as kplus from './cdk8s-plus';

/** Kubernetes resource quantities as numbers (for thresholds computed from limits) and as cdk8s-plus values. */

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

/** CPU as cdk8s-plus renders it: `500m` stays `500m`, `2` stays `2`. */
export function cpuOf(quantity: string): kplus.Cpu {
  const cores = quantityToCores(quantity);
  // Millicores from the digits themselves: cores * 1000 would turn 570m into 570.0000000000001m.
  return quantity.endsWith('m') ? kplus.Cpu.millis(Number(quantity.slice(0, -1))) : kplus.Cpu.units(cores);
}

/**
 * A size cdk8s-plus can render: it writes memory and emptyDir limits as whole MiB and volume
 * claims as whole GiB (`1Gi` becomes `1024Mi` in a container), so a quantity it would have to
 * round is refused here rather than by cdk8s at synthesis.
 */
export function sizeOf(quantity: string, unit: 'Mi' | 'Gi'): Size {
  const amount = quantityToBytes(quantity) / BINARY_SUFFIXES[unit]!;
  if (!Number.isInteger(amount) || amount <= 0) {
    throw new Error(`quantity '${quantity}' must be a positive whole number of ${unit}: cdk8s-plus renders it in ${unit}`);
  }
  return unit === 'Mi' ? Size.mebibytes(amount) : Size.gibibytes(amount);
}

/** An environment's container requests and limits, stated in full so cdk8s-plus adds none of its own defaults. */
export function containerResources(resources: ComputeResources): kplus.ContainerResources {
  return {
    cpu: { request: cpuOf(resources.requests.cpu), limit: cpuOf(resources.limits.cpu) },
    memory: { request: sizeOf(resources.requests.memory, 'Mi'), limit: sizeOf(resources.limits.memory, 'Mi') },
  };
}
