import type { ErrorEnvelope } from "@loopgate/core";
import { AppError, type AppErrorKind } from "../app/app-error.ts";
import { InvalidCursorError } from "../store/cursor.ts";

const STATUS: Record<AppErrorKind, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

/**
 * The one place errors become HTTP: an {@link AppError} keeps its code and message with the status
 * of its kind; anything else is an internal error whose details stay in the log, never in the answer.
 */
export function errorResponse(
  error: unknown,
  requestId: string,
): { status: number; body: ErrorEnvelope; headers?: Record<string, string> } {
  if (error instanceof InvalidCursorError) {
    return errorResponse(
      new AppError(
        "invalid_input",
        "invalid_cursor",
        "This cursor is not one this list gave out: start again without it",
        {
          issues: [{ path: "query.cursor", message: "use the nextCursor of the previous page" }],
        },
      ),
      requestId,
    );
  }
  if (error instanceof AppError) {
    const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    return {
      status: STATUS[error.kind],
      ...(typeof retryAfter === "number" ? { headers: { "Retry-After": String(retryAfter) } } : {}),
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details === undefined ? {} : { details: error.details }),
          requestId,
        },
      },
    };
  }
  return {
    status: 500,
    body: {
      error: {
        code: "internal_error",
        message: `Something went wrong on our side; the request was not applied. Quote request id ${requestId} when reporting it`,
        requestId,
      },
    },
  };
}
