import { objectReference } from '../manifest-object';
import { fieldAt, isKind, type CrossObjectRule } from './cross-object-rule';

function hasEntries(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Object.keys(value).length > 0;
}

/**
 * charts-out/ is committed, so a Secret with data there is a credential in git. In the cluster
 * Secrets legitimately hold data, which is why this is a CI rule and not an admission policy.
 */
export const SECRET_DATA_RULE: CrossObjectRule = {
  name: 'no-secret-data',
  description: 'No Secret in the synthesized manifests carries data or stringData.',
  fix: 'create the Secret outside charts-out (Pulumi from stack secrets, or an external secret operator) and only reference it by name',
  check(objects) {
    return objects
      .filter((object) => isKind(object, '', 'Secret'))
      .map((secret) => {
        const subject = objectReference(secret);
        const fields = ['data', 'stringData'].filter((field) => hasEntries(fieldAt(secret, [field])));
        return {
          subject,
          violations: fields.length === 0 ? [] : [`${subject}: sets ${fields.join(' and ')}; credentials must never be written to charts-out`],
        };
      });
  },
};
