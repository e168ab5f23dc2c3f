import type { PayloadChange } from "../wire/replay.ts";

/**
 * The changes that turn `from` into `to`, in the manner of JSON Patch (RFC 6902): `add`, `remove` and
 * `replace` at JSON Pointer paths, walking objects key by key and arrays index by index. Sorted by path,
 * so the same two payloads always give the same list; equal payloads give an empty one.
 *
 * @example
 * ```ts
 * payloadDiff({ amount: 42.5, note: "x" }, { amount: 40, currency: "EUR" });
 * // [ { op: "add", path: "/currency", value: "EUR" }, { op: "replace", path: "/amount", value: 40 },
 * //   { op: "remove", path: "/note" } ]   (sorted by path)
 * ```
 */
export function payloadDiff(from: unknown, to: unknown): PayloadChange[] {
  const changes: PayloadChange[] = [];
  walk(from, to, "", changes);
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function walk(from: unknown, to: unknown, path: string, changes: PayloadChange[]): void {
  if (isObject(from) && isObject(to)) {
    for (const key of Object.keys(from)) {
      const child = `${path}/${pointerToken(key)}`;
      if (Object.hasOwn(to, key)) walk(from[key], to[key], child, changes);
      else changes.push({ op: "remove", path: child });
    }
    for (const key of Object.keys(to))
      if (!Object.hasOwn(from, key))
        changes.push({ op: "add", path: `${path}/${pointerToken(key)}`, value: to[key] });
    return;
  }
  if (Array.isArray(from) && Array.isArray(to)) {
    const shared = Math.min(from.length, to.length);
    for (let i = 0; i < shared; i++) walk(from[i], to[i], `${path}/${i}`, changes);
    for (let i = shared; i < to.length; i++) changes.push({ op: "add", path: `${path}/${i}`, value: to[i] });
    for (let i = from.length - 1; i >= shared; i--) changes.push({ op: "remove", path: `${path}/${i}` });
    return;
  }
  if (!sameLeaf(from, to)) changes.push({ op: "replace", path, value: to });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Leaves compare by value; an object against an array (or a leaf) is a replacement. */
function sameLeaf(a: unknown, b: unknown): boolean {
  if (typeof a === "object" && a !== null) return false;
  if (typeof b === "object" && b !== null) return false;
  return Object.is(a, b) || a === b;
}

/** RFC 6901: `~` becomes `~0`, `/` becomes `~1`. */
const pointerToken = (key: string): string => key.replaceAll("~", "~0").replaceAll("/", "~1");
