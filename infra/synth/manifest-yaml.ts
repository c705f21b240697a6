import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Names, type App } from 'cdk8s';
import { Document, Scalar, visit } from 'yaml';

/**
 * Plain scalars that YAML 1.1 readers (PyYAML among them) resolve to a type other than string and
 * that the `yaml` library's 1.1 schema leaves unquoted: `=` (the 1.1 "value" type, which PyYAML's
 * safe loader cannot construct) and `<<` (the merge key). Every other 1.1 look-alike (`yes`, `on`,
 * `~`, `0x1f`, `1:20`, dates) the library already quotes.
 */
const YAML_1_1_TYPED_PLAIN_SCALARS = new Set(['=', '<<']);

/** The text of a scalar the library would write plain, or undefined. `<<` comes back as the merge key's symbol. */
function plainText(node: Scalar): string | undefined {
  if (typeof node.value === 'string') return node.value;
  return typeof node.value === 'symbol' ? node.value.description : undefined;
}

/**
 * One object as cdk8s writes it (`Yaml.stringify`: YAML 1.1 schema so 1.1 readers agree, no line
 * folding, undefined kept), except that strings a 1.1 reader would type otherwise are quoted:
 * `matchType: =` made PyYAML-based tools fail on charts-out/.
 */
function objectYaml(object: unknown): string {
  const document = new Document(object, { version: '1.1', keepUndefined: true });
  visit(document, {
    Scalar(_, node) {
      const text = plainText(node);
      if (text === undefined || !YAML_1_1_TYPED_PLAIN_SCALARS.has(text) || node.type === 'QUOTE_DOUBLE') return undefined;
      const quoted = new Scalar(text);
      quoted.type = 'QUOTE_DOUBLE';
      // The library writes `<<` as a merge key whatever its style unless the node is tagged a string.
      if (text === '<<') quoted.tag = 'tag:yaml.org,2002:str';
      return quoted;
    },
  });
  return document.toString({ lineWidth: 0 });
}

/** A multi-document manifest, as cdk8s joins documents. */
export function manifestYaml(objects: readonly unknown[]): string {
  return objects.map(objectYaml).join('---\n');
}

/**
 * Writes each chart of `app` to `<outdir>/<chart>.k8s.yaml`, where `app.synth()` would (the charts
 * here have no dependencies between them, so cdk8s names files after the chart alone), through
 * manifestYaml. `chart.toJson()` resolves and validates as `app.synth()` does.
 */
export function writeAppManifests(app: App, outdir: string): void {
  mkdirSync(outdir, { recursive: true });
  for (const chart of app.charts) writeFileSync(join(outdir, `${Names.toDnsLabel(chart)}.k8s.yaml`), manifestYaml(chart.toJson()));
}
