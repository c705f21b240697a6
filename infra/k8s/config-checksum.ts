import { createHash } from 'node:crypto';

/** Pod template annotation holding a hash of the pod's mounted configuration: a config change changes the template and rolls the pods. */
export const CONFIG_CHECKSUM_ANNOTATION = 'uag.example.com/config-checksum';

export function configChecksum(...contents: readonly string[]): string {
  const hash = createHash('sha256');
  for (const content of contents) hash.update(content).update('\0');
  return hash.digest('hex');
}
