/**
 * Calls `visit` with every string in a JSON value: string values and object keys, at any depth.
 *
 * An explicit stack instead of recursion: the walk is bounded by the value's size (which the HTTP body
 * limit bounds), not by nesting depth, so a payload cannot hide a string below a depth limit or
 * overflow the call stack.
 *
 * @example
 * ```ts
 * const seen: string[] = [];
 * forEachString({ to: "a@b.co", lines: ["hi"] }, (s) => seen.push(s)); // seen: ["to", "a@b.co", "lines", "hi"]
 * ```
 */
export function forEachString(value: unknown, visit: (text: string) => void): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === "string") {
      visit(item);
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push(item[i]);
    } else if (item !== null && typeof item === "object") {
      const record = item as Record<string, unknown>;
      const keys = Object.keys(record);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        stack.push(record[key], key);
      }
    }
  }
}
