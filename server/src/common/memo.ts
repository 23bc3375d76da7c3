/**
 * Values made once per key object and kept as long as that object lives: the analysis-wide
 * indexes and answers the stages and rules share (one analysis, one class, one rule), without
 * keeping an old analysis alive after the editor has moved on.
 */

/** The value `cache` holds for `key`, made by `make` (and kept there) the first time. */
export function memoized<K extends object, V>(cache: WeakMap<K, V>, key: K, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}
