import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allRuleNames } from '../../../policies/k8s/evaluate-manifests';
import { assertKnownRules, isExpired, loadExceptions, parseExceptions, parseObjectReference } from '../../../policies/k8s/exceptions';

const VALID = { object: 'Deployment/gateway/gateway', rule: 'health-probes', reason: 'probes land with UAG-12, approved by J. Doe', expiry: '2026-03-31' };

describe('parseExceptions', () => {
  it('accepts well-formed entries, including cluster-scoped objects', () => {
    const clusterScoped = { ...VALID, object: 'Namespace/gateway', rule: 'namespace-default-deny' };
    expect(parseExceptions({ exceptions: [VALID, clusterScoped] }, 'x.yaml')).toEqual([VALID, clusterScoped]);
  });

  it.each([
    [{ ...VALID, object: 'gateway' }, "x.yaml: 'exceptions.0.object' must be 'Kind/namespace/name' (or 'Kind/name' when cluster-scoped)"],
    [{ ...VALID, expiry: '31/03/2026' }, "x.yaml: 'exceptions.0.expiry' must be a date YYYY-MM-DD, e.g. 2026-03-31"],
    [{ ...VALID, reason: 'because' }, "x.yaml: 'exceptions.0.reason' must say why the object cannot comply yet and who approved it"],
  ])('names the entry, the field and what to write', (entry, message) => {
    expect(() => parseExceptions({ exceptions: [entry] }, 'x.yaml')).toThrow(message);
  });

  it('refuses unknown top-level keys, so a typo cannot hide entries', () => {
    expect(() => parseExceptions({ exceptions: [], exeptions: [VALID] }, 'x.yaml')).toThrow(/^x\.yaml: '\(top level\)'/);
  });
});

describe('loadExceptions', () => {
  it('reads the file the repository ships, whose entries all name existing rules', () => {
    const shipped = loadExceptions(join(__dirname, '..', '..', '..', 'policies', 'exceptions.yaml'));
    expect(() => assertKnownRules(shipped, allRuleNames())).not.toThrow();
  });

  it('names a file it cannot read', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'exceptions-')), 'missing.yaml');
    expect(() => loadExceptions(path)).toThrow(`exceptions file '${path}' cannot be read`);
  });

  it('reads entries from disk', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'exceptions-')), 'e.yaml');
    writeFileSync(path, `exceptions:\n  - object: ${VALID.object}\n    rule: ${VALID.rule}\n    reason: ${VALID.reason}\n    expiry: ${VALID.expiry}\n`);
    expect(loadExceptions(path)).toEqual([VALID]);
  });
});

describe('isExpired', () => {
  it('holds through the expiry day in UTC', () => {
    expect(isExpired(VALID, new Date('2026-03-31T23:59:59Z'))).toBe(false);
    expect(isExpired(VALID, new Date('2026-04-01T00:00:00Z'))).toBe(true);
  });
});

describe('parseObjectReference', () => {
  it('splits namespaced and cluster-scoped references', () => {
    expect(parseObjectReference('Deployment/gateway/gateway')).toEqual({ kind: 'Deployment', namespace: 'gateway', name: 'gateway' });
    expect(parseObjectReference('Namespace/gateway')).toEqual({ kind: 'Namespace', namespace: '', name: 'gateway' });
  });
});
