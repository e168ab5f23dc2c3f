/**
 * Ends an exhaustive `switch`: it only compiles when every case is handled, and throws if a value
 * from outside the type arrives at run time (e.g. a status read from an older database row).
 *
 * @example
 * ```ts
 * switch (status) {
 *   case "pending": return 1;
 *   case "decided": return 2;
 *   default: return assertNever(status);
 * }
 * ```
 */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
