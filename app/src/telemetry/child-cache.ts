/**
 * One value per label set (a prom-client label child, a pending count), found by the label values
 * through one Map per label and created on first use. Walking nested Maps with the values the
 * caller already holds (interned route names and methods, small-integer status codes) builds no
 * key string per request; joining the values into one key built, flattened and hashed a new string
 * on every call. Label sets are bounded (route names, methods, status codes), so the cache is too.
 */
export class ChildCache<K extends readonly [unknown, ...unknown[]], V> {
  private readonly root = new Map<unknown, unknown>();
  private readonly created: V[] = [];
  private readonly keys: K[] = [];

  constructor(private readonly create: (...values: K) => V) {}

  get(...values: K): V {
    let level = this.root;
    const last = values.length - 1;
    for (let index = 0; index < last; index++) {
      let next = level.get(values[index]) as Map<unknown, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(values[index], next);
      }
      level = next;
    }
    let child = level.get(values[last]) as V | undefined;
    if (child === undefined) {
      child = this.create(...values);
      level.set(values[last], child);
      this.created.push(child);
      this.keys.push(values);
    }
    return child;
  }

  /** Every label set and its value, oldest first. */
  *entries(): IterableIterator<[K, V]> {
    for (let index = 0; index < this.created.length; index++) yield [this.keys[index]!, this.created[index]!];
  }

  /** Every value created so far, oldest first. */
  values(): readonly V[] {
    return this.created;
  }
}
