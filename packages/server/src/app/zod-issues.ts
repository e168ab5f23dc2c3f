import type { FieldIssue } from "@loopgate/core";
import type { z } from "zod";
import { invalidInput } from "./app-error.ts";

/**
 * Parses a request's input with its wire schema, or throws a 400 (`code`, e.g. `invalid_input` or
 * `invalid_query`) whose issues name each bad field with a message that says what to do — the one
 * way the use cases read what a caller sent. `prefix` goes before every path (`query`, `body`).
 *
 * Zod's own messages (`Invalid input: expected string, received number`) are replaced by
 * {@link fieldMessage}'s; messages a schema sets itself (`use snake_case, e.g. wrong_amount`) stay.
 *
 * @example
 * ```ts
 * const input = parseInput(ClaimInput, body ?? {}, "invalid_input");
 * // { "summary": 5 } → 400, issues [{ path: "summary", message: "must be a string, not a number" }]
 * ```
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  code: string,
  prefix = "",
): z.output<S> {
  const parsed = schema.safeParse(input, { error: fieldMessage });
  if (!parsed.success) throw invalidInput(code, fieldIssues(parsed.error, prefix));
  return parsed.data;
}

/**
 * Turns Zod issues into field issues with dotted paths (`evidence[0].score`) prefixed by `prefix`
 * when given; an unknown field becomes an issue of its own path.
 */
export function fieldIssues(error: z.ZodError, prefix = ""): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const path = joinPath(prefix, issue.path);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        issues.push({ path: joinPath(path, [key]), message: `unknown field "${key}": remove it` });
      }
      continue;
    }
    issues.push({ path, message: issue.message });
  }
  return issues;
}

/**
 * A Zod error map in the API's words: what the field must be and what was sent instead. It sees each
 * issue with the value that failed, which the finished issue no longer holds, so a missing field
 * ("is required") and a wrongly typed one ("must be a string, not a number") read differently.
 * Returns undefined (Zod's own message) for issues it has no better words for.
 */
export const fieldMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return `is required (expected ${kindName(issue.expected)})`;
      // A query parameter coerced to a number arrives as NaN when it was not one ("limit=abc").
      if (Number.isNaN(issue.input)) return `must be ${article(kindName(issue.expected))}`;
      return `must be ${article(kindName(issue.expected))}, not ${kindOf(issue.input)}`;
    case "too_big":
      return bound(issue.origin, issue.inclusive ? "at most" : "less than", issue.maximum);
    case "too_small":
      if (issue.origin === "string" && Number(issue.minimum) === 1) return "must not be empty";
      return bound(issue.origin, issue.inclusive ? "at least" : "more than", issue.minimum);
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "invalid_format":
      return issue.format === "regex" ? "has the wrong format" : `must be a valid ${issue.format}`;
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    case "invalid_union": {
      const kinds = issue.errors.map((branch) => {
        const [only] = branch;
        return branch.length === 1 && only?.code === "invalid_type" && only.path.length === 0
          ? article(kindName(only.expected))
          : null;
      });
      if (kinds.length === 0 || kinds.includes(null)) return "matches none of the shapes this field accepts";
      return `must be ${orList(kinds as string[])}, not ${kindOf(issue.input)}`;
    }
    default:
      return undefined;
  }
};

function bound(origin: string, relation: string, limit: number | bigint): string {
  const n = String(limit);
  switch (origin) {
    case "string":
      return `must be ${relation} ${n} character${n === "1" ? "" : "s"} long`;
    case "array":
    case "set":
      return `must have ${relation} ${n} item${n === "1" ? "" : "s"}`;
    case "date":
      return `must be ${relation} ${new Date(Number(limit)).toISOString()}`;
    default:
      return `must be ${relation} ${n}`;
  }
}

/** Zod's name of an expected kind, in the words of JSON: a record is an object. */
function kindName(expected: string): string {
  return expected === "record" ? "object" : expected;
}

/** `a`, `a or b`, `a, b or c`. */
function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Joins a path prefix and Zod path segments into `a.b[0].c`. */
export function joinPath(prefix: string, segments: readonly PropertyKey[]): string {
  let out = prefix;
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}
