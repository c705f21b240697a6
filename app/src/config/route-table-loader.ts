import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { routeTableChecksum, routeTableSchema, type RouteTable } from '../contract';
import { ConfigError, describeIssues } from './config-error';

/** Validates an already-parsed route table; `source` names where it came from in errors. */
export function parseRouteTable(document: unknown, source: string): RouteTable {
  const result = routeTableSchema.safeParse(document);
  if (!result.success) {
    throw new ConfigError(describeIssues(result.error.issues).map((line) => `${source}: ${line}`));
  }
  return deepFreeze(result.data);
}

/** A route table file as read: its text and the checksum `gateway_config_info` reports. */
export interface RouteTableText {
  readonly text: string;
  /** sha256 of the file's bytes, hex. */
  readonly checksum: string;
}

function sourceOf(path: string): string {
  return `UAG_ROUTES_FILE (${path})`;
}

/** Reads the file behind `path` (following symlinks, as a ConfigMap volume's are). */
export function readRouteTableText(path: string): RouteTableText {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError([`${sourceOf(path)}: cannot read: ${reason}; point UAG_ROUTES_FILE at a readable YAML or JSON file`]);
  }
  return { text: bytes.toString('utf8'), checksum: routeTableChecksum(bytes) };
}

/** Parses and validates a route table file's text: `.json` as JSON, anything else as YAML (a superset of JSON). */
export function parseRouteTableText(text: string, path: string): RouteTable {
  const source = sourceOf(path);
  const document = extname(path).toLowerCase() === '.json' ? parseJson(text, source) : parseYaml(text, source);
  return parseRouteTable(document, source);
}

/** Reads and validates a route table file, as at start-up and on every reload. */
export function loadRouteTableFile(path: string): RouteTable {
  return parseRouteTableText(readRouteTableText(path).text, path);
}

/** YAML text to a plain value; every syntax error is reported with its line and column. */
function parseYaml(text: string, source: string): unknown {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => {
        const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        const where = error.linePos === undefined ? '' : ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}`;
        return `${source}: not valid YAML${where}: ${reason}`;
      }),
    );
  }
  return document.toJS();
}

/** JSON text to a plain value; a syntax error names its line and column where the parser gives an offset. */
function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8 quotes the text around the error (`Unexpected token ',', ..."<text>"... is not valid
    // JSON`); the quote can span lines and hold a secret, so only the reason before it is kept.
    const message = (error as Error).message;
    const reason = message.replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '').split('\n')[0]!;
    const offset = /at position (\d+)/.exec(message)?.[1];
    const where = offset === undefined ? '' : ` at ${lineAndColumn(text, Number(offset))}`;
    throw new ConfigError([`${source}: not valid JSON${where}: ${reason}`]);
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
