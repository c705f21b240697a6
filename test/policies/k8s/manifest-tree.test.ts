import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifestFile, readManifestTree, ROOT_ENVIRONMENT } from '../../../policies/k8s/manifest-tree';

describe('parseManifestFile', () => {
  it('reads every document, skipping empty ones, and expands List objects', () => {
    const text = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}',
      '',
      'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Service, metadata: {name: b}}\n  - {apiVersion: v1, kind: Service, metadata: {name: c}}',
    ].join('\n---\n');
    expect(parseManifestFile(text, 'x.yaml').map((object) => `${object.kind}/${object.metadata.name}`)).toEqual(['ConfigMap/a', 'Service/b', 'Service/c']);
  });

  it('names the file, the document and the missing field', () => {
    expect(() => parseManifestFile('apiVersion: v1\nkind: Pod\n---\nmetadata: {name: x}\napiVersion: v1', 'dev/app.yaml')).toThrow(
      "dev/app.yaml: document 2 has no 'kind': set it so the object can be matched against the rules",
    );
  });

  it('reports YAML syntax errors with the file', () => {
    expect(() => parseManifestFile('kind: [unclosed', 'dev/bad.yaml')).toThrow(/^dev\/bad\.yaml: YAML document 1 does not parse/);
  });

  it('refuses a document that is not a mapping', () => {
    expect(() => parseManifestFile('- a\n- b', 'dev/list.yaml')).toThrow('dev/list.yaml: document 1 is not a mapping');
  });
});

describe('readManifestTree', () => {
  it('walks nested folders, takes the first level as environment and ignores other files', () => {
    const root = mkdtempSync(join(tmpdir(), 'policy-tree-'));
    mkdirSync(join(root, 'prod', 'nested'), { recursive: true });
    writeFileSync(join(root, 'prod', 'nested', 'a.yml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
    writeFileSync(join(root, 'prod', 'notes.txt'), 'not yaml: [');
    writeFileSync(join(root, 'top.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: top}\n');
    expect(readManifestTree(root).map(({ environment, file, object }) => [environment, file, object.metadata.name])).toEqual([
      ['prod', join('prod', 'nested', 'a.yml'), 'a'],
      [ROOT_ENVIRONMENT, 'top.yaml', 'top'],
    ]);
  });
});
