/**
 * A function of one string argument with its results remembered, up to `size` of them; when full, the
 * memo starts over (cheaper than tracking recency, and the vocabularies these serve are small enough
 * that it rarely fills). For pure functions only: a remembered result is shared, so it must not be
 * changed by whoever gets it.
 *
 * @example
 * ```ts
 * const stemOf = boundedMemo(20_000, stemUncached);
 * stemOf("refunds"); // computed
 * stemOf("refunds"); // remembered
 * ```
 */
export function boundedMemo<T>(size: number, compute: (key: string) => T): (key: string) => T {
  const memo = new Map<string, T>();
  return (key) => {
    let value = memo.get(key);
    if (value === undefined) {
      value = compute(key);
      if (memo.size >= size) memo.clear();
      memo.set(key, value);
    }
    return value;
  };
}
