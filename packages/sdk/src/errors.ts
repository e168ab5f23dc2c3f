import type { ErrorEnvelope, FieldIssue } from "@loopgate/core/wire";

/** What every {@link LoopgateError} is built from: the parts of the error envelope plus the HTTP status. */
export interface LoopgateErrorInit {
  /** The HTTP status, or `null` when no response arrived. */
  status: number | null;
  /** Stable snake_case code, e.g. `invalid_input`. */
  code: string;
  message: string;
  details?: unknown;
  /** The server's id for the request, to quote when asking for help. */
  requestId?: string | null;
  cause?: unknown;
}

/**
 * The base of every error the Loopgate client throws for a request: the server's error envelope
 * `{ error: { code, message, details, requestId } }` with the HTTP status.
 *
 * @example
 * ```ts
 * import { Loopgate, LoopgateError } from "@loopgate/sdk";
 *
 * try {
 *   await new Loopgate().getProposal("p_missing");
 * } catch (error) {
 *   if (error instanceof LoopgateError) console.error(error.status, error.code, error.requestId);
 * }
 * ```
 */
export class LoopgateError extends Error {
  override name = "LoopgateError";
  /** The HTTP status, or `null` when no response arrived (network error, decision timeout). */
  readonly status: number | null;
  /** Stable snake_case code from the envelope, e.g. `not_found`, or `http_<status>` when the body had none. */
  readonly code: string;
  /** The envelope's `details`, as sent. */
  readonly details: unknown;
  /** The server's request id, or `null` when there was no response. */
  readonly requestId: string | null;

  constructor(init: LoopgateErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.requestId = init.requestId ?? null;
  }
}

/**
 * 400: the request failed validation. `fieldIssues` names each field path and what is wrong with it.
 *
 * @example
 * ```ts
 * import { InvalidInputError, Loopgate } from "@loopgate/sdk";
 *
 * try {
 *   await new Loopgate().propose({ action: { type: "Not A Type" } });
 * } catch (error) {
 *   if (error instanceof InvalidInputError) for (const i of error.fieldIssues) console.error(i.path, i.message);
 * }
 * ```
 */
export class InvalidInputError extends LoopgateError {
  override name = "InvalidInputError";
  /** Each invalid field with its path (e.g. `action.type`) and message. */
  readonly fieldIssues: FieldIssue[];

  constructor(init: LoopgateErrorInit) {
    super(init);
    this.fieldIssues = fieldIssuesOf(init.details);
  }
}

/**
 * 401: the API key is missing, unknown, expired or revoked.
 *
 * @example
 * ```ts
 * import { Loopgate, UnauthorizedError } from "@loopgate/sdk";
 *
 * await new Loopgate({ apiKey: "wrong" }).getProposal("p_1").catch((e) => e instanceof UnauthorizedError);
 * ```
 */
export class UnauthorizedError extends LoopgateError {
  override name = "UnauthorizedError";
}

/**
 * 403: the key is valid but may not do this (another agent's proposal, an action type outside its scope,
 * a reviewer endpoint called with an agent key).
 *
 * @example
 * ```ts
 * import { ForbiddenError, Loopgate } from "@loopgate/sdk";
 *
 * await new Loopgate().listReviews().catch((e) => e instanceof ForbiddenError); // with an agent key
 * ```
 */
export class ForbiddenError extends LoopgateError {
  override name = "ForbiddenError";
}

/**
 * 404: no such proposal or review (or the caller may not see it).
 *
 * @example
 * ```ts
 * import { Loopgate, NotFoundError } from "@loopgate/sdk";
 *
 * const found = await new Loopgate().getProposal("p_1").catch((e) => (e instanceof NotFoundError ? null : Promise.reject(e)));
 * ```
 */
export class NotFoundError extends LoopgateError {
  override name = "NotFoundError";
}

/**
 * 409: someone else got there first (another reviewer's decision or claim, a proposal no longer pending,
 * a stale packet hash). `winner` is the winning state the server sent in `details`.
 *
 * @example
 * ```ts
 * import { ConflictError, Loopgate } from "@loopgate/sdk";
 *
 * try {
 *   await new Loopgate().decide("r_1", { verdict: "approve" });
 * } catch (error) {
 *   if (error instanceof ConflictError) console.log("already decided:", error.winner);
 * }
 * ```
 */
export class ConflictError extends LoopgateError {
  override name = "ConflictError";
  /**
   * The winning state: `details.winner` or `details.current` when the server nests it there, otherwise
   * `details` itself; `null` when the server sent no details.
   */
  readonly winner: unknown;

  constructor(init: LoopgateErrorInit) {
    super(init);
    const details = isRecord(init.details) ? init.details : undefined;
    this.winner = details?.winner ?? details?.current ?? init.details ?? null;
  }
}

/**
 * 410: too late, e.g. a decision on a review that already ended by expiry.
 *
 * @example
 * ```ts
 * import { GoneError, Loopgate } from "@loopgate/sdk";
 *
 * await new Loopgate().decide("r_1", { verdict: "approve" }).catch((e) => e instanceof GoneError);
 * ```
 */
export class GoneError extends LoopgateError {
  override name = "GoneError";
}

/**
 * 413: the request body is larger than the server accepts.
 *
 * @example
 * ```ts
 * import { Loopgate, PayloadTooLargeError } from "@loopgate/sdk";
 *
 * const huge = { type: "support.reply", payload: { body: "x".repeat(10_000_000) } };
 * await new Loopgate().propose({ action: huge }).catch((e) => e instanceof PayloadTooLargeError);
 * ```
 */
export class PayloadTooLargeError extends LoopgateError {
  override name = "PayloadTooLargeError";
}

/**
 * 422: well-formed but refused, e.g. an `Idempotency-Key` reused with a different body, a payload that
 * fails the action type's schema, or an edit holding a masked-PII placeholder.
 *
 * @example
 * ```ts
 * import { Loopgate, UnprocessableError } from "@loopgate/sdk";
 *
 * const lg = new Loopgate();
 * await lg.propose({ action: { type: "support.reply", payload: { body: "a" } } }, { idempotencyKey: "k1" });
 * await lg
 *   .propose({ action: { type: "support.reply", payload: { body: "b" } } }, { idempotencyKey: "k1" })
 *   .catch((e) => e instanceof UnprocessableError);
 * ```
 */
export class UnprocessableError extends LoopgateError {
  override name = "UnprocessableError";
  /** Each refused field, when the server names them. */
  readonly fieldIssues: FieldIssue[];

  constructor(init: LoopgateErrorInit) {
    super(init);
    this.fieldIssues = fieldIssuesOf(init.details);
  }
}

/**
 * 429: too many requests. The client already waited and retried; this is thrown when the retries ran
 * out or the server asked for a longer wait than `retry.maxDelayMs`.
 *
 * @example
 * ```ts
 * import { Loopgate, RateLimitedError } from "@loopgate/sdk";
 *
 * await new Loopgate().getProposal("p_1").catch((e) => {
 *   if (e instanceof RateLimitedError) console.log(`try again in ${e.retryAfterMs} ms`);
 * });
 * ```
 */
export class RateLimitedError extends LoopgateError {
  override name = "RateLimitedError";
  /** How long the server asked to wait (from `Retry-After`), in milliseconds; `null` when it did not say. */
  readonly retryAfterMs: number | null;

  constructor(init: LoopgateErrorInit & { retryAfterMs: number | null }) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * 5xx: the server (or a proxy in front of it) failed. Retried first for safe requests.
 *
 * @example
 * ```ts
 * import { Loopgate, ServerError } from "@loopgate/sdk";
 *
 * await new Loopgate().getProposal("p_1").catch((e) => e instanceof ServerError && e.status === 503);
 * ```
 */
export class ServerError extends LoopgateError {
  override name = "ServerError";
}

/**
 * No response: the connection failed, was cut, or the request timed out (`timeoutMs`). `cause` holds the
 * underlying error. Retried first for safe requests.
 *
 * @example
 * ```ts
 * import { Loopgate, NetworkError } from "@loopgate/sdk";
 *
 * await new Loopgate({ url: "http://127.0.0.1:9" }).getProposal("p_1").catch((e) => e instanceof NetworkError);
 * ```
 */
export class NetworkError extends LoopgateError {
  override name = "NetworkError";

  constructor(message: string, cause: unknown) {
    super({ status: null, code: "network_error", message, cause });
  }
}

/**
 * Turns a non-2xx response into the typed error for its status (internal: the client's transport). `body` is the parsed JSON body (or
 * `undefined` when it was not JSON); `retryAfterMs` comes from the `Retry-After` header.
 *
 * @example
 * ```ts
 * const error = errorFromResponse(404, { error: { code: "not_found", message: "no such proposal", requestId: "r1" } });
 * error instanceof NotFoundError; // true
 * ```
 */
export function errorFromResponse(
  status: number,
  body: unknown,
  headers: { requestId?: string | null; retryAfterMs?: number | null } = {},
): LoopgateError {
  const envelope = isEnvelope(body) ? body.error : undefined;
  const init: LoopgateErrorInit = {
    status,
    code: envelope?.code ?? `http_${status}`,
    message: envelope?.message ?? `Loopgate answered HTTP ${status}`,
    details: envelope?.details,
    requestId: envelope?.requestId ?? headers.requestId ?? null,
  };
  switch (status) {
    case 400:
      return new InvalidInputError(init);
    case 401:
      return new UnauthorizedError(init);
    case 403:
      return new ForbiddenError(init);
    case 404:
      return new NotFoundError(init);
    case 409:
      return new ConflictError(init);
    case 410:
      return new GoneError(init);
    case 413:
      return new PayloadTooLargeError(init);
    case 422:
      return new UnprocessableError(init);
    case 429:
      return new RateLimitedError({ ...init, retryAfterMs: headers.retryAfterMs ?? null });
    default:
      return status >= 500 ? new ServerError(init) : new LoopgateError(init);
  }
}

function isEnvelope(body: unknown): body is ErrorEnvelope {
  return (
    isRecord(body) &&
    isRecord(body.error) &&
    typeof body.error.code === "string" &&
    typeof body.error.message === "string"
  );
}

/** Field issues may come as `details.issues` or as `details` itself; anything else is ignored. */
function fieldIssuesOf(details: unknown): FieldIssue[] {
  const list = Array.isArray(details) ? details : isRecord(details) ? details.issues : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (i): i is FieldIssue => isRecord(i) && typeof i.path === "string" && typeof i.message === "string",
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
