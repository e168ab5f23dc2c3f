import { type Schema, Validator } from "@cfworker/json-schema";

/**
 * The mask placeholders the API writes for people without the PII permission. Mirrors core's
 * `PII_MASK_PATTERN` (signals/pii-detectors.ts); the API refuses an edit holding one, so the form
 * flags it before sending ({@link withMaskedEdits}).
 */
export const MASK_PATTERN = /\[(?:email|phone|national id|card ••••\d{4}|iban ••••[A-Z0-9]{4})\]/;

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  title?: string;
  description?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
  items?: JsonSchema;
};

/** A field path in the payload, e.g. ["customer", "email"]. */
export type FieldPath = string[];

/** Schema problems per field ("#/to" style pointers), validated without eval (CSP-safe). */
export function validatePayload(schema: unknown, payload: unknown): Map<string, string[]> {
  const problems = new Map<string, string[]>();
  if (schema === null || typeof schema !== "object") return problems;
  const result = new Validator(schema as Schema, "2020-12", false).validate(payload);
  for (const error of result.errors) {
    // Parent entries only repeat that a child failed; keep the leaves and the root's own words.
    if (/does not match schema|Items did not match|Property .* does not match/.test(error.error)) continue;
    const location = error.instanceLocation === "#" ? "#" : error.instanceLocation;
    const list = problems.get(location) ?? [];
    list.push(error.error);
    problems.set(location, list);
  }
  return problems;
}

export function pointer(path: FieldPath): string {
  return path.length === 0
    ? "#"
    : `#/${path.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
}

/** The value at `path`, or undefined. */
export function valueAt(value: unknown, path: FieldPath): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A copy of `value` with `path` set to `next` (undefined removes the key). */
export function setAt(
  value: Record<string, unknown>,
  path: FieldPath,
  next: unknown,
): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  const copy = { ...value };
  if (rest.length === 0) {
    if (next === undefined) delete copy[head];
    else copy[head] = next;
    return copy;
  }
  const child = copy[head];
  copy[head] = setAt(
    child !== null && typeof child === "object" ? (child as Record<string, unknown>) : {},
    rest,
    next,
  );
  return copy;
}

/** The primary JSON type a schema names. */
export function schemaType(schema: JsonSchema | undefined): string | undefined {
  if (schema === undefined) return undefined;
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== "null");
  return schema.type ?? (schema.properties ? "object" : undefined);
}

/**
 * A JSON Merge Patch (RFC 7386) turning `before` into `after`: only what changed. A reviewer who sees
 * masked data sends this instead of the whole payload, so masks they did not touch are never sent back.
 */
export function mergePatch(before: unknown, after: unknown): unknown {
  if (
    before === null ||
    after === null ||
    typeof before !== "object" ||
    typeof after !== "object" ||
    Array.isArray(before) ||
    Array.isArray(after)
  ) {
    return after;
  }
  const patch: Record<string, unknown> = {};
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  for (const key of Object.keys(a)) if (!(key in b)) patch[key] = null;
  for (const [key, value] of Object.entries(b)) {
    if (JSON.stringify(a[key]) !== JSON.stringify(value)) patch[key] = mergePatch(a[key], value);
  }
  return patch;
}

/** What a reviewer who sees personal data masked is told at a changed field that still holds a mask. */
export const MASKED_EDIT =
  "Still holds masked personal data, which would be sent as the value: retype the whole field without the masked parts, or escalate to someone who sees personal data";

/**
 * `problems` plus {@link MASKED_EDIT} at every field changed from `before` to `after` that still holds
 * a mask placeholder: the API refuses such an edit, so the form says so at the field and the decision
 * waits. Fields left as they were may keep their masks; the edit does not send them.
 */
export function withMaskedEdits(
  problems: Map<string, string[]>,
  before: unknown,
  after: unknown,
): Map<string, string[]> {
  const out = new Map(problems);
  const flag = (path: FieldPath) => out.set(pointer(path), [...(out.get(pointer(path)) ?? []), MASKED_EDIT]);
  const walk = (changed: unknown, path: FieldPath): void => {
    if (typeof changed === "string") {
      if (MASK_PATTERN.test(changed)) flag(path);
    } else if (changed !== null && typeof changed === "object") {
      for (const [key, value] of Object.entries(changed)) {
        if (MASK_PATTERN.test(key)) flag([...path, key]);
        else walk(value, [...path, key]);
      }
    }
  };
  walk(mergePatch(before, after), []);
  return out;
}
