import type { FieldIssue } from "@loopgate/core";

/**
 * The kinds of refusal a use case can answer with. The HTTP layer maps each kind to its status in
 * one place (`http/error-mapper.ts`); use cases never speak HTTP.
 */
export type AppErrorKind =
  | "invalid_input" // 400
  | "unauthenticated" // 401
  | "forbidden" // 403
  | "not_found" // 404
  | "conflict" // 409
  | "gone" // 410
  | "too_large" // 413
  | "unprocessable" // 422
  | "rate_limited" // 429
  | "unavailable"; // 503

/**
 * A refusal with a stable snake_case `code` and a message that tells the caller what to do.
 *
 * @example
 * ```ts
 * throw new AppError("not_found", "proposal_not_found", `No proposal ${id}: check the id returned by POST /v1/proposals`);
 * ```
 */
export class AppError extends Error {
  constructor(
    readonly kind: AppErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** A 400 naming each field that is wrong and what to do about it. */
export function invalidInput(code: string, issues: FieldIssue[], message?: string): AppError {
  const summary =
    message ??
    (issues.length === 1
      ? `${issues[0]!.path || "body"}: ${issues[0]!.message}`
      : `${issues.length} fields are invalid: ${issues.map((i) => i.path || "body").join(", ")}`);
  return new AppError("invalid_input", code, summary, { issues });
}
