import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { routeTableSchema, type RouteTable } from '../contract';
import { ConfigError, describeIssues } from './config-error';

/** Validates an already-parsed route table; `source` names where it came from in errors. */
export function parseRouteTable(document: unknown, source: string): RouteTable {
  const result = routeTableSchema.safeParse(document);
  if (!result.success) {
    throw new ConfigError(describeIssues(result.error.issues).map((line) => `${source}: ${line}`));
  }
  return deepFreeze(result.data);
}

/** Reads a route table file: `.json` as JSON, anything else as YAML (a superset of JSON). */
export function loadRouteTableFile(path: string): RouteTable {
  const source = `UAG_ROUTES_FILE (${path})`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError([`${source}: cannot read: ${reason}; point UAG_ROUTES_FILE at a readable YAML or JSON file`]);
  }
  let document: unknown;
  try {
    document = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: false });
  } catch (error) {
    const firstLine = (error as Error).message.split('\n')[0];
    throw new ConfigError([`${source}: not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${firstLine}`]);
  }
  return parseRouteTable(document, source);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
