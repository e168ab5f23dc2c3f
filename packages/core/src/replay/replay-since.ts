import { parseDuration } from "../policy/duration.ts";

/**
 * The start of a replay or export window: an ISO timestamp as given, or a duration (`30d`, `12h`,
 * `1d12h`) counted back from `now`. Returns an ISO string.
 *
 * @throws Error when the text is neither; the message says what to write.
 *
 * @example
 * ```ts
 * resolveSince("30d", new Date("2026-11-30T00:00:00Z")); // "2026-10-31T00:00:00.000Z"
 * resolveSince("2026-11-01T00:00:00Z", now); // "2026-11-01T00:00:00.000Z"
 * ```
 */
export function resolveSince(text: string, now: Date): string {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const time = new Date(trimmed);
    if (!Number.isNaN(time.getTime())) return time.toISOString();
  } else {
    try {
      return new Date(now.getTime() - parseDuration(trimmed)).toISOString();
    } catch {
      // fall through to the message below
    }
  }
  throw new Error(
    `"${text}" is neither a date nor a duration: write an ISO date such as 2026-11-01 or 2026-11-01T09:00:00Z, or a duration such as 30d or 12h`,
  );
}
