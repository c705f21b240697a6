/**
 * Field-by-field merge where `override` wins. Arrays and objects carrying a `type` discriminator
 * are replaced whole: merging two variants of a union would mix their fields.
 */
export function mergeFields(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override) || 'type' in override) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergeFields(base[key], value);
  return merged;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
