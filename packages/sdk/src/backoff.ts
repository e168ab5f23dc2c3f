import type { RetryOptions } from "./options.ts";

/**
 * The wait before retry number `retry` (1 for the first retry): exponential back-off with full jitter,
 * a random time between 0 and `minDelayMs · 2^(retry-1)`, capped at `maxDelayMs`. Full jitter spreads the
 * retries of many agents that failed at the same moment, so they do not hit a recovering server together.
 *
 * @example
 * ```ts
 * backoffDelay(3, { minDelayMs: 250, maxDelayMs: 10_000 }); // somewhere in [0, 1000)
 * ```
 */
export function backoffDelay(
  retry: number,
  options: Required<Pick<RetryOptions, "minDelayMs" | "maxDelayMs">>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Reads a `Retry-After` header, either delay-seconds or an HTTP date, as milliseconds from `now`.
 * Returns `null` when the header is absent or unreadable.
 *
 * @example
 * ```ts
 * parseRetryAfter("2"); // 2000
 * parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("2015-10-21T07:27:00Z")); // 60000
 * ```
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | null {
  if (header == null || header.trim() === "") return null;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Resolves after `ms`, or rejects with the signal's reason as soon as `signal` aborts.
 *
 * @example
 * ```ts
 * await sleep(100, AbortSignal.timeout(1_000));
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
