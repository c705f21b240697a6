import { createHash } from 'node:crypto';

/**
 * sha256 (hex) of a route table file's bytes: what `gateway_config_info{checksum}` and the status
 * page report for the active table, and what infra writes on the ConfigMap, so the two compare.
 */
export function routeTableChecksum(bytes: string | Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
