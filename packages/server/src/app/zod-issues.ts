import type { FieldIssue } from "@loopgate/core";
import type { z } from "zod";

/**
 * Turns Zod issues into field issues whose messages say what to do, with dotted paths
 * (`evidence[0].score`) prefixed by `prefix` when given.
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
    issues.push({ path, message: describe(issue) });
  }
  return issues;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    const received = (issue as { input?: unknown }).input;
    if (received === undefined) return `is required (expected ${issue.expected})`;
    return `must be ${article(issue.expected)}, not ${kindOf(received)}`;
  }
  return issue.message;
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
