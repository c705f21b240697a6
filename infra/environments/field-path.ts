/**
 * `appendPath('routes.add[0]', ['upstream', 'port'])` -> `routes.add[0].upstream.port`: the one
 * path style of every environment message, as the field is written in the TypeScript file.
 */
export function appendPath(base: string, path: readonly PropertyKey[]): string {
  const tail = path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
  return base === '' ? tail.replace(/^\./, '') : `${base}${tail}`;
}
