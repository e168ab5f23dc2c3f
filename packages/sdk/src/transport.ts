import { backoffDelay, parseRetryAfter, sleep } from "./backoff.ts";
import { errorFromResponse, LoopgateError, NetworkError, RateLimitedError } from "./errors.ts";
import type { ResolvedOptions } from "./options.ts";

/**
 * Which failures a request may be retried after.
 * - `safe`: network errors, 429, 502, 503 and 504. For reads, and for a proposal carrying an
 *   `Idempotency-Key`, which the server answers with the original response on a replay.
 * - `refused`: 429 only. The server wrote nothing for a refused request (SPEC §6), so a retry cannot
 *   act twice; after a network error or a 5xx it may have acted, so the error is the caller's to judge.
 */
export type RetryMode = "safe" | "refused";

/** One HTTP call to the API. */
export interface RequestSpec {
  method: "GET" | "POST";
  /** The path below the base URL, e.g. `/v1/proposals`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  retry: RetryMode;
  /** The time allowed on top of `timeoutMs`, for a long-poll's wait. */
  extraTimeoutMs?: number;
  signal?: AbortSignal;
}

const RETRIED_STATUSES = new Set([429, 502, 503, 504]);

/**
 * Sends one request to the API and returns its parsed JSON body, retrying as `spec.retry` allows and
 * turning failures into typed errors. Every retry sends exactly the same request, headers included, so
 * an `Idempotency-Key` is reused.
 *
 * @example
 * ```ts
 * const proposal = await send<Proposal>(resolveOptions(), { method: "GET", path: "/v1/proposals/p_1", retry: "safe" });
 * ```
 */
export async function send<T>(options: ResolvedOptions, spec: RequestSpec): Promise<T> {
  const url = buildUrl(options.url, spec.path, spec.query);
  const headers: Record<string, string> = { accept: "application/json", ...spec.headers };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
  if (spec.body !== undefined) headers["content-type"] = "application/json";
  const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);

  for (let attempt = 1; ; attempt++) {
    const canRetry = attempt < options.retry.attempts;
    let error: LoopgateError;
    try {
      const { response, text } = await exchange(options, url, {
        method: spec.method,
        headers,
        body,
        timeoutMs: options.timeoutMs + (spec.extraTimeoutMs ?? 0),
        signal: spec.signal,
      });
      if (response.ok) return parseJson(response, text) as T;
      error = errorFromResponse(response.status, parseJson(response, text), {
        requestId: response.headers.get("x-request-id"),
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
      });
    } catch (thrown) {
      if (!(thrown instanceof NetworkError)) throw thrown;
      error = thrown;
    }
    if (!canRetry || !isRetryable(error, spec.retry)) throw error;
    const retryAfterMs = error instanceof RateLimitedError ? error.retryAfterMs : null;
    if (retryAfterMs !== null && retryAfterMs > options.retry.maxDelayMs) throw error;
    await sleep(retryAfterMs ?? backoffDelay(attempt, options.retry), spec.signal);
  }
}

function isRetryable(error: LoopgateError, mode: RetryMode): boolean {
  if (mode === "refused") return error.status === 429;
  return error instanceof NetworkError || (error.status !== null && RETRIED_STATUSES.has(error.status));
}

/**
 * Calls `fetch` and reads the body, both within the timeout. A caller's abort is rethrown as it is (not
 * retried); a timeout or a failed connection becomes a {@link NetworkError}.
 */
async function exchange(
  options: ResolvedOptions,
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    timeoutMs: number;
    signal?: AbortSignal;
  },
): Promise<{ response: Response; text: string }> {
  const controller = new AbortController();
  const timeout = new Error(`no answer from ${url} within ${init.timeoutMs} ms`);
  const timer = setTimeout(() => controller.abort(timeout), init.timeoutMs);
  const onAbort = () => controller.abort(init.signal?.reason);
  init.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    if (init.signal?.aborted) throw init.signal.reason;
    const response = await options.fetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      signal: controller.signal,
    });
    return { response, text: await response.text() };
  } catch (error) {
    if (init.signal?.aborted) throw init.signal.reason;
    if (controller.signal.aborted) throw new NetworkError(timeout.message, timeout);
    throw new NetworkError(`could not reach Loopgate at ${url}: ${messageOf(error)}`, error);
  } finally {
    clearTimeout(timer);
    init.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Parses a JSON body; an empty body reads as `undefined`. A body that is not JSON is an error on a 2xx
 * (the answer cannot be used) and ignored on an error status (the status says enough).
 */
function parseJson(response: Response, text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!response.ok) return undefined;
    throw new LoopgateError({
      status: response.status,
      code: "invalid_response",
      message: `Loopgate answered HTTP ${response.status} with a body that is not JSON`,
      requestId: response.headers.get("x-request-id"),
      cause: error,
    });
  }
}

function buildUrl(base: string, path: string, query: RequestSpec["query"]): string {
  const url = new URL(base + path);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, socket hang up…) is in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
