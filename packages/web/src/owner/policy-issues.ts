import { ApiError } from "../api/client.ts";

/**
 * One problem of a policy text as the API's error envelope carries it (`details.issues` of a 400
 * `invalid_policy`, from `PUT /v1/policy` or `POST /v1/policy/replay`); `line` and `column` are 1-based.
 */
export interface PolicyIssue {
  path: string;
  message: string;
  line?: number;
  column?: number | null;
}

/** The problems a failed policy call reported, or none when the failure was of another kind. */
export function issuesOf(error: unknown): PolicyIssue[] {
  if (!(error instanceof ApiError)) return [];
  const issues = (error.details as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? (issues as PolicyIssue[]) : [];
}

/** The problem's message without the `line 4:12: ` prefix the API adds (the position is shown apart). */
export function issueMessage(issue: PolicyIssue): string {
  return issue.message.replace(/^line \d+(:\d+)?: /, "");
}

/** The lines of `text` that carry at least one problem. */
export function problemLines(issues: readonly PolicyIssue[]): Set<number> {
  return new Set(issues.flatMap((issue) => (issue.line === undefined ? [] : [issue.line])));
}

/** The character offset of a 1-based line and column in `text`, clamped to the text. */
export function offsetOf(text: string, line: number, column = 1): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = text.indexOf("\n", offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  const end = text.indexOf("\n", offset);
  const lineEnd = end === -1 ? text.length : end;
  return Math.min(offset + Math.max(column, 1) - 1, lineEnd);
}

/** The 1-based line and column of a character offset in `text`. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}
