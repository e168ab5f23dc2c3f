/** Days of the week as a policy names them. */
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * When a queue's clock runs: on the given days, between `from` and `to` wall-clock time in `timezone`
 * (an IANA name such as `Europe/Berlin`). Times are minutes after local midnight; `to` is after `from`.
 */
export interface BusinessHours {
  timezone: string;
  days: readonly Weekday[];
  /** Opening time, in minutes after local midnight (09:00 → 540). */
  fromMinute: number;
  /** Closing time, in minutes after local midnight (17:00 → 1020); at most 1440. */
  toMinute: number;
}

/** How far a search for open hours looks before giving up (a policy with no open day cannot be loaded). */
const MAX_DAYS = 3_700;
const MINUTE_MS = 60_000;

/**
 * The due time of something started at `start` with `slaMs` to run: wall-clock time without business
 * hours, else only the time inside the open hours counts (a 2h SLA started Friday 16:00 in a 09:00–17:00,
 * Monday–Friday queue is due Monday 10:00). Daylight-saving changes are handled in the queue's time zone:
 * an open day is always `to - from` of local time, however long that day is in UTC.
 *
 * @example
 * ```ts
 * const hours = { timezone: "Europe/Berlin", days: ["mon", "tue", "wed", "thu", "fri"], fromMinute: 540, toMinute: 1020 };
 * dueAfter(new Date("2026-03-27T15:00:00Z"), 7_200_000, hours); // Monday 2026-03-30 10:00 CEST = 08:00Z
 * ```
 */
export function dueAfter(start: Date, slaMs: number, hours: BusinessHours | null): Date {
  if (hours === null || slaMs <= 0) return new Date(start.getTime() + Math.max(0, slaMs));
  let remaining = slaMs;
  const first = localDay(start.getTime(), hours.timezone);
  for (let offset = 0; offset < MAX_DAYS; offset++) {
    const window = openWindow(first, offset, hours);
    if (window === null) continue;
    const begin = Math.max(start.getTime(), window.open);
    if (begin >= window.close) continue;
    const available = window.close - begin;
    if (remaining <= available) return new Date(begin + remaining);
    remaining -= available;
  }
  throw new RangeError(`business hours in ${hours.timezone} never open: check days, from and to`);
}

/**
 * The instant `ms` of open time before `end`: where a reminder `remindBefore` a due time falls. Without
 * business hours, plain subtraction. Never earlier than `notBefore` (the review's opening).
 *
 * @example
 * ```ts
 * // 30m before a Monday 09:15 deadline in a 09:00–17:00 queue is Friday 16:45.
 * openTimeBefore(new Date("2026-03-30T07:15:00Z"), 1_800_000, hours);
 * ```
 */
export function openTimeBefore(end: Date, ms: number, hours: BusinessHours | null): Date {
  if (hours === null || ms <= 0) return new Date(end.getTime() - Math.max(0, ms));
  let remaining = ms;
  const last = localDay(end.getTime(), hours.timezone);
  for (let offset = 0; offset > -MAX_DAYS; offset--) {
    const window = openWindow(last, offset, hours);
    if (window === null) continue;
    const finish = Math.min(end.getTime(), window.close);
    if (finish <= window.open) continue;
    const available = finish - window.open;
    if (remaining <= available) return new Date(finish - remaining);
    remaining -= available;
  }
  throw new RangeError(`business hours in ${hours.timezone} never open: check days, from and to`);
}

/**
 * Parses `HH:MM` (00:00–24:00) into minutes after midnight, or null when it is not such a time.
 *
 * @example
 * ```ts
 * parseClockTime("09:30"); // 570
 * parseClockTime("9.30"); // null
 * ```
 */
export function parseClockTime(text: string): number | null {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (match === null) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes > 1440 ? null : minutes;
}

/** Whether `timezone` is an IANA time zone this runtime knows. */
export function isKnownTimeZone(timezone: string): boolean {
  try {
    formatter(timezone);
    return true;
  } catch {
    return false;
  }
}

interface LocalDay {
  year: number;
  month: number;
  day: number;
}

/** The open hours, as UTC instants, of the local day `offset` days after `base`; null when closed. */
function openWindow(
  base: LocalDay,
  offset: number,
  hours: BusinessHours,
): { open: number; close: number } | null {
  // Calendar arithmetic in UTC (no DST there), then the local times are placed in the zone.
  const date = new Date(Date.UTC(base.year, base.month - 1, base.day + offset));
  const weekday = WEEKDAYS[date.getUTCDay()]!;
  if (!hours.days.includes(weekday)) return null;
  const day = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
  return {
    open: zonedTime(day, hours.fromMinute, hours.timezone),
    close: zonedTime(day, hours.toMinute, hours.timezone),
  };
}

/** The local calendar day of an instant in `timezone`. */
function localDay(instant: number, timezone: string): LocalDay {
  const parts = wallClock(instant, timezone);
  return { year: parts.year, month: parts.month, day: parts.day };
}

/**
 * The UTC instant of a local wall-clock time. A time that does not exist (skipped by a spring-forward
 * change) lands after the gap; a time that exists twice (fall-back) is the first of the two.
 */
function zonedTime(day: LocalDay, minuteOfDay: number, timezone: string): number {
  const asUtc = Date.UTC(day.year, day.month - 1, day.day) + minuteOfDay * MINUTE_MS;
  const firstGuess = asUtc - offsetMs(asUtc, timezone);
  const secondOffset = offsetMs(firstGuess, timezone);
  const secondGuess = asUtc - secondOffset;
  if (secondGuess === firstGuess) {
    // Fall-back ambiguity: prefer the earlier instant when it shows the same wall-clock time.
    const earlier = firstGuess - 3_600_000;
    return asUtc - offsetMs(earlier, timezone) === earlier ? earlier : firstGuess;
  }
  // In a spring-forward gap neither guess maps back to the wall-clock time: take the later one.
  return asUtc - offsetMs(secondGuess, timezone) === secondGuess
    ? secondGuess
    : Math.max(firstGuess, secondGuess);
}

/** The zone's offset from UTC at an instant, in ms (Berlin in summer: +7_200_000). */
function offsetMs(instant: number, timezone: string): number {
  const p = wallClock(instant, timezone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

function wallClock(instant: number, timezone: string) {
  const values: Record<string, number> = {};
  for (const part of formatter(timezone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") values[part.type] = Number(part.value);
  }
  return {
    year: values.year!,
    month: values.month!,
    day: values.day!,
    hour: values.hour! % 24,
    minute: values.minute!,
    second: values.second!,
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let format = formatters.get(timezone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timezone, format);
  }
  return format;
}
