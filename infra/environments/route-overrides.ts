import { z } from 'zod';
import type { RouteTableInput } from '../../app/src/contract';
import { appendPath } from './field-path';
import { mergeFields } from './merge-fields';
import type { DeclarationSite, NamedListOverrides, RouteTableOverrides, RouteTableProvenance } from './types';

/** The shared table with one environment's changes applied, and where each entry was written. */
export interface ComposedRouteTable extends RouteTableProvenance {
  readonly table: RouteTableInput;
}

/** The files whose declarations meet here. */
export interface RouteTableFiles {
  /** Where the shared table is written, e.g. `infra/environments/defaults.ts`. */
  readonly shared: string;
  /** The environment's own file, e.g. `infra/environments/dev.ts`. */
  readonly environment: string;
}

const named = z.looseObject({ name: z.string() });
const namedListOverridesShape = {
  add: z.array(named).optional(),
  replace: z.array(named).optional(),
  remove: z.array(z.string()).optional(),
};
/** Only the override's structure; the routes themselves are checked later by the gateway's own schema. */
const routeTableOverridesSchema = z.strictObject({
  ...namedListOverridesShape,
  auth: z.looseObject({}).optional(),
  tcp: z.strictObject(namedListOverridesShape).optional(),
});

const HOW_TO_OVERRIDE = 'an environment changes the shared routes by name with routes.add, routes.replace and routes.remove (infra/README.md, "Change an environment")';

/**
 * Applies an environment's route overrides to the shared table: remove by name, replace by name in
 * place, add at the end, then `auth` merged field by field. Never throws: what cannot be applied is
 * left out and reported in `problems`, which validateEnvironment raises with every other problem.
 */
export function composeRouteTable(shared: RouteTableInput, overrides: RouteTableOverrides | undefined, files: RouteTableFiles): ComposedRouteTable {
  const sharedOrigins = (list: string) => (_entry: unknown, index: number): DeclarationSite => ({ file: files.shared, path: `routes.${list}[${index}]` });
  if (overrides === undefined) {
    return { table: shared, routeOrigins: shared.routes.map(sharedOrigins('routes')), tcpOrigins: (shared.tcp ?? []).map(sharedOrigins('tcp')), problems: [] };
  }
  const structure = routeTableOverridesSchema.safeParse(overrides);
  if (!structure.success) {
    const problems = structure.error.issues.map((issue) => {
      const path = appendPath('routes', issue.path);
      if (issue.code === 'unrecognized_keys') return `${files.environment}: ${issue.keys.map((k) => `${path}.${k}`).join(', ')} is not a setting: ${HOW_TO_OVERRIDE}`;
      return `${files.environment}: ${path} ${issue.message}`;
    });
    return { table: shared, routeOrigins: shared.routes.map(sharedOrigins('routes')), tcpOrigins: (shared.tcp ?? []).map(sharedOrigins('tcp')), problems };
  }
  const problems: string[] = [];
  const routes = applyNamedList(shared.routes, overrides, { ...files, list: 'routes', overridePath: 'routes' }, problems);
  const tcp = applyNamedList(shared.tcp ?? [], overrides.tcp ?? {}, { ...files, list: 'tcp', overridePath: 'routes.tcp' }, problems);
  const auth = overrides.auth === undefined ? shared.auth : mergeFields(shared.auth ?? {}, overrides.auth);
  const table: RouteTableInput = {
    ...(auth === undefined ? {} : { auth: auth as RouteTableInput['auth'] }),
    routes: routes.entries,
    ...(tcp.entries.length === 0 && shared.tcp === undefined ? {} : { tcp: tcp.entries }),
  };
  return { table, routeOrigins: routes.origins, tcpOrigins: tcp.origins, problems };
}

interface ListContext extends RouteTableFiles {
  /** The list's key in the shared table: `routes` or `tcp`. */
  readonly list: string;
  /** Where the overrides sit in the environment file: `routes` or `routes.tcp`. */
  readonly overridePath: string;
}

function applyNamedList<Entry extends { readonly name: string }>(
  shared: readonly Entry[],
  overrides: NamedListOverrides<Entry>,
  context: ListContext,
  problems: string[],
): { entries: Entry[]; origins: DeclarationSite[] } {
  const at = (operation: string, index: number) => `${context.overridePath}.${operation}[${index}]`;
  const report = (where: string, rule: string) => problems.push(`${context.environment}: ${where} ${rule}`);
  const sharedNames = shared.map((entry) => entry.name);
  const known = `the shared ${context.list} in ${context.shared} are ${sharedNames.map((n) => `"${n}"`).join(', ') || 'none'}`;
  const claimed = new Map<string, string>();
  const claim = (name: string, where: string): boolean => {
    const earlier = claimed.get(name);
    if (earlier !== undefined) {
      report(where, `("${name}") names the same entry as ${earlier}; change each ${context.list === 'routes' ? 'route' : 'listener'} once`);
      return false;
    }
    claimed.set(name, where);
    return true;
  };

  let entries = shared.map((entry, index) => ({ entry, origin: { file: context.shared, path: `routes.${context.list}[${index}]` } }));
  (overrides.remove ?? []).forEach((name, index) => {
    const where = at('remove', index);
    if (!claim(name, where)) return;
    if (!sharedNames.includes(name)) report(where, `("${name}") is not a shared ${context.list} entry: ${known}`);
    entries = entries.filter(({ entry }) => entry.name !== name);
  });
  (overrides.replace ?? []).forEach((replacement, index) => {
    const where = at('replace', index);
    if (!claim(replacement.name, where)) return;
    const position = entries.findIndex(({ entry }) => entry.name === replacement.name);
    if (position < 0) {
      report(where, `("${replacement.name}") replaces no shared ${context.list} entry: ${known}; use ${context.overridePath}.add for a new one`);
      return;
    }
    entries[position] = { entry: replacement, origin: { file: context.environment, path: where } };
  });
  (overrides.add ?? []).forEach((addition, index) => {
    const where = at('add', index);
    if (!claim(addition.name, where)) return;
    if (sharedNames.includes(addition.name)) {
      report(where, `("${addition.name}") is already a shared ${context.list} entry in ${context.shared}; use ${context.overridePath}.replace to change it`);
      return;
    }
    entries.push({ entry: addition, origin: { file: context.environment, path: where } });
  });
  return { entries: entries.map(({ entry }) => entry), origins: entries.map(({ origin }) => origin) };
}
