/**
 * The wait before retry number `attempt` (1 for the first retry): exponential from `baseMs`, doubling
 * each time up to `maxMs`, with full jitter (a uniform draw below the cap), so that many executions
 * failing together do not retry together. SPEC §6: from 1 s, doubling, up to 5 min.
 *
 * @example
 * ```ts
 * retryDelayMs(3, 1000, 300_000, Math.random); // somewhere in [0, 4000)
 * ```
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

/** The longest `Retry-After` honoured, so a receiver cannot park an execution for days. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * A `Retry-After` header as a wait in ms: delay-seconds or an HTTP date (relative to `now`); null
 * when absent or unreadable.
 */
export function retryAfterMs(header: string | null | undefined, now: Date): number | null {
  if (header == null || header.trim() === "") return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - now.getTime()), MAX_RETRY_AFTER_MS);
}
