import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_VARS, GATEWAY_ERRORS, METRICS } from '../../../app/src/contract';

const README = readFileSync(join(__dirname, '../../../README.md'), 'utf8');

/** Cells of the README table row whose first cell is `name` in backticks. */
function row(name: string): string[] | undefined {
  const line = README.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
  return line?.split('|').slice(1, -1).map((cell) => cell.trim());
}

describe('the README documents the contract', () => {
  it.each(Object.entries(ENV_VARS))('environment variable %s, with its default', (name, spec) => {
    const cells = row(name);
    expect(cells).toBeDefined();
    if ('default' in spec && spec.default !== undefined) expect(cells![1]).toBe(`\`${spec.default}\``);
    else expect(cells![1]).toMatch(/^(unset|detected)/);
  });

  it.each(Object.entries(GATEWAY_ERRORS))('error code %s, with its status', (code, { status }) => {
    expect(row(code)?.[1]).toBe(String(status));
  });

  it.each(Object.values(METRICS).map((m) => [m.name, m.labels] as const))('metric %s, with its labels', (name, labels) => {
    const cells = row(name);
    expect(cells).toBeDefined();
    for (const label of labels) expect(cells![2]).toContain(`\`${label}\``);
  });
});
