/**
 * Deeper nesting than this is treated as a cycle. Audit data is a few levels deep; the bound turns a
 * cyclic object into a clear error instead of a stack overflow, without the cost of tracking a set of
 * visited objects on the hot path.
 */
const MAX_DEPTH = 256;

/**
 * Serialises a JSON value canonically (RFC 8785, JSON Canonicalization Scheme): object members sorted
 * by their UTF-16 code units, no whitespace, strings escaped as `JSON.stringify` does (which JCS
 * adopts), numbers in ECMAScript's shortest round-trip form (`1e+21`, `0.1`, `-0` as `0`).
 *
 * Members whose value is `undefined` are dropped and `undefined` in an array becomes `null`, as in
 * `JSON.stringify`, so a value hashes the same before and after a round trip through JSON; `toJSON`
 * is honoured for the same reason (a `Date` becomes its ISO string).
 *
 * @throws TypeError on a non-finite number, a bigint, a function or symbol value, or a cycle.
 *
 * @example
 * ```ts
 * canonicalJson({ b: [1e21, 0.1, -0], a: "é" }); // '{"a":"é","b":[1e+21,0.1,0]}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  const out = write(value, 0);
  if (out === undefined) throw new TypeError(`cannot serialise ${typeof value} as JSON`);
  return out;
}

/** The object or array {@link canonicalJsonWithPart} is after, and its text once written. */
let partOf: object | null = null;
let partText: string | undefined;

/**
 * {@link canonicalJson} of `value`, and the canonical JSON of `part`, an object or array inside it (the
 * same reference), as it was written on the way: one walk where two would write the part twice.
 *
 * @example
 * ```ts
 * const input = { action: { type: "t", payload: { b: 1, a: 2 } } };
 * canonicalJsonWithPart(input, input.action.payload);
 * // { text: '{"action":{"payload":{"a":2,"b":1},"type":"t"}}', part: '{"a":2,"b":1}' }
 * ```
 */
export function canonicalJsonWithPart(value: unknown, part: object): { text: string; part: string } {
  partOf = part;
  partText = undefined;
  try {
    const text = canonicalJson(value);
    return { text, part: partText ?? canonicalJson(part) };
  } finally {
    partOf = null;
    partText = undefined;
  }
}

/** Returns undefined for a value JSON has no form for, so the caller can drop the member. */
function write(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case "string":
      return canonicalString(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`cannot serialise ${value} in canonical JSON`);
      // ES Number-to-String is exactly the JCS number format; `-0` prints as "0".
      return `${value}`;
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return undefined;
    case "object":
      break;
    default:
      throw new TypeError(`cannot serialise a ${typeof value} in canonical JSON`);
  }
  if (value === null) return "null";
  if (depth > MAX_DEPTH) throw new TypeError(`value nested deeper than ${MAX_DEPTH} levels (a cycle?)`);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return write(toJSON.call(value), depth + 1);

  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      out += write(value[i], depth + 1) ?? "null";
    }
    out += "]";
    if (value === partOf) partText = out;
    return out;
  }

  const record = value as Record<string, unknown>;
  const keys = sortedKeys(Object.keys(record));
  let out = "{";
  let first = true;
  for (const key of keys) {
    const member = write(record[key], depth + 1);
    if (member === undefined) continue;
    if (!first) out += ",";
    first = false;
    out += `${canonicalString(key)}:${member}`;
  }
  out += "}";
  if (value === partOf) partText = out;
  return out;
}

/** Up to this many keys an insertion sort in place beats `Array.prototype.sort`, which copies. */
const INSERTION_SORT_MAX = 16;

/**
 * `keys` sorted by UTF-16 code units, the order RFC 8785 prescribes (`<` on strings and the default
 * `sort` both compare code units). Objects here have a handful of keys, often nearly in order; sorting
 * them in place allocates nothing, where the built-in sort copies each array it sorts.
 */
function sortedKeys(keys: string[]): string[] {
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j -= 1;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * What JSON.stringify escapes: `"`, `\\`, control characters, and surrogates (it escapes a lone one;
 * a pair passes as is, which JSON.stringify decides).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON escapes exactly these control characters.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A string as JSON.stringify writes it, which is also its canonical form. Most strings (ids, keys,
 * prose) need no escape, and quoting them directly skips a call into the JSON serialiser per string,
 * the larger part of the cost here.
 *
 * @example
 * ```ts
 * canonicalString('say "hi"'); // '"say \\"hi\\""'
 * ```
 */
export function canonicalString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}
