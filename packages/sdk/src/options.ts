/** How the client retries a failed request. */
export interface RetryOptions {
  /**
   * Most attempts for one request, the first included. `1` turns retries off.
   * @defaultValue 4
   */
  attempts?: number;
  /**
   * The back-off before the first retry; it doubles each time, with full jitter.
   * @defaultValue 250
   */
  minDelayMs?: number;
  /**
   * The longest back-off between two attempts. A `Retry-After` longer than this is not waited for: the
   * client throws `RateLimitedError` instead, so a script never sleeps for minutes unseen.
   * @defaultValue 10000
   */
  maxDelayMs?: number;
}

/** Options of {@link Loopgate}. Each one is optional. */
export interface LoopgateOptions {
  /**
   * The server's base URL.
   * @defaultValue `LOOPGATE_URL` from the environment, else `http://localhost:4747` (the demo's port)
   */
  url?: string;
  /**
   * The API key sent as `Authorization: Bearer <key>`.
   * @defaultValue `LOOPGATE_API_KEY` from the environment, else none
   */
  apiKey?: string;
  /**
   * The `fetch` to use, e.g. one with a proxy agent or a test double.
   * @defaultValue `globalThis.fetch`
   */
  fetch?: typeof fetch;
  /**
   * How long one request may take, in milliseconds. A long-poll gets its wait on top of this.
   * @defaultValue 30000
   */
  timeoutMs?: number;
  /** How failed requests are retried. */
  retry?: RetryOptions;
}

/** The options with every default filled in; read once, when the client is made. */
export interface ResolvedOptions {
  url: string;
  apiKey: string | undefined;
  fetch: typeof fetch;
  timeoutMs: number;
  retry: Required<RetryOptions>;
}

/** The defaults of {@link LoopgateOptions}. */
export const DEFAULTS: Readonly<{ url: string; timeoutMs: number; retry: Readonly<Required<RetryOptions>> }> =
  Object.freeze({
    url: "http://localhost:4747",
    timeoutMs: 30_000,
    retry: Object.freeze({ attempts: 4, minDelayMs: 250, maxDelayMs: 10_000 }),
  });

/**
 * Fills in the defaults, reading `LOOPGATE_URL` and `LOOPGATE_API_KEY` when `process.env` exists
 * (it does not in browsers and some edge runtimes, hence the guard).
 *
 * @example
 * ```ts
 * resolveOptions({ url: "http://localhost:4747/", apiKey: "lg_agent_…" }).url; // "http://localhost:4747"
 * ```
 */
export function resolveOptions(options: LoopgateOptions = {}): ResolvedOptions {
  const env = readEnv();
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") {
    throw new TypeError("no fetch available: pass `fetch` in the Loopgate options");
  }
  const url = (options.url ?? env.LOOPGATE_URL ?? DEFAULTS.url).replace(/\/+$/, "");
  // A URL without its scheme ("localhost:4747") would fail every request, after every retry.
  if (!/^https?:\/\//i.test(url)) {
    throw new TypeError(
      `the Loopgate URL must start with http:// or https:// (got "${url}"): e.g. http://${url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")}`,
    );
  }
  return {
    url,
    apiKey: options.apiKey ?? env.LOOPGATE_API_KEY,
    fetch: fetchImpl,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    retry: {
      attempts: options.retry?.attempts ?? DEFAULTS.retry.attempts,
      minDelayMs: options.retry?.minDelayMs ?? DEFAULTS.retry.minDelayMs,
      maxDelayMs: options.retry?.maxDelayMs ?? DEFAULTS.retry.maxDelayMs,
    },
  };
}

function readEnv(): Record<string, string | undefined> {
  const process = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const env = process?.env ?? {};
  // An empty variable means "not set", as shells often export them empty.
  return {
    LOOPGATE_URL: env.LOOPGATE_URL || undefined,
    LOOPGATE_API_KEY: env.LOOPGATE_API_KEY || undefined,
  };
}
