/**
 * Counts or values keyed by user-given names (labels, annotators), collected without a prototype.
 * In a plain `{}` the keys `constructor` or `toString` read inherited functions and `__proto__` is
 * not stored at all, so counts and votes keyed by such a name came out wrong. `toRecord()` turns
 * the result into an ordinary object whose own properties are exactly the names (Object.fromEntries
 * defines `__proto__` as an own property rather than setting the prototype).
 */
export function emptyRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

export function toRecord<V>(r: Record<string, V>): Record<string, V> {
  return Object.fromEntries(Object.entries(r));
}
