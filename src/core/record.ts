/**
 * An empty string-keyed record without a prototype. Label and annotator names are user input: in a
 * plain `{}` the keys `constructor` or `toString` read inherited functions and `__proto__` is not
 * stored at all, so counts and votes keyed by such a name came out wrong.
 */
export function emptyRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}
