import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ENVIRONMENT_NAMES } from '../../../infra/environments';
import { manifestYaml } from '../../../infra/synth/manifest-yaml';
import { requirePythonModule } from '../../helpers/debian-tool';

const CHARTS_OUT = join(__dirname, '..', '..', '..', 'charts-out');

/**
 * What PyYAML's safe loader, a YAML 1.1 reader, makes of each text: the documents as JSON, or its
 * error. The C loader when PyYAML has it (same resolver, much faster), else the Python one.
 */
function readWithPyYaml(texts: readonly string[]): unknown[] {
  const python = requirePythonModule('yaml');
  const program = [
    'import json, sys, yaml',
    'loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)',
    'def read(text):',
    '  try:',
    '    return list(yaml.load_all(text, Loader=loader))',
    '  except yaml.YAMLError as e:',
    '    return {"error": str(e).splitlines()[0]}',
    'print(json.dumps([read(text) for text in json.load(sys.stdin)]))',
  ].join('\n');
  return JSON.parse(execFileSync(python, ['-c', program], { input: JSON.stringify(texts), encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }));
}

const asJson = (text: string) => parseAllDocuments(text).map((document) => document.toJS());

describe('manifests as YAML 1.1 readers read them', () => {
  it.each(ENVIRONMENT_NAMES)('regression: PyYAML reads every file of charts-out/%s as the synth meant it (matchType: = was the 1.1 "value" type)', (environment) => {
    const folder = join(CHARTS_OUT, environment);
    const files = readdirSync(folder).filter((name) => name.endsWith('.yaml'));
    const texts = files.map((file) => readFileSync(join(folder, file), 'utf8'));
    const read = readWithPyYaml(texts);
    files.forEach((file, index) => expect({ file, read: read[index] }).toEqual({ file, read: asJson(texts[index]!) }));
  });

  it('quotes exactly the strings a 1.1 reader would type otherwise, and keeps them strings', () => {
    const objects = [{ matchType: '=', merge: '<<', '<<': 'key', plain: 'a=b', keep: ['!=', '=~', 'yes', '~'] }, { n: 1 }];
    const text = manifestYaml(objects);
    expect(text).toBe(['matchType: "="', 'merge: !!str "<<"', '!!str "<<": key', 'plain: a=b', 'keep:', '  - "!="', '  - =~', '  - "yes"', '  - "~"', '---', '"n": 1', ''].join('\n'));
    expect(readWithPyYaml([text])).toEqual([objects]);
  });
});
