/** "3 min", "2 h 5 min", "4 d": a duration for people. */
export function duration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return "< 1 min";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d`;
}

/** How long ago `iso` was. */
export function age(iso: string, now = Date.now()): string {
  return duration(now - Date.parse(iso));
}

/** "due in 25 min" or "overdue by 3 min". */
export function dueText(iso: string, now = Date.now()): string {
  const left = Date.parse(iso) - now;
  return left >= 0 ? `due in ${duration(left)}` : `overdue by ${duration(left)}`;
}

/** A local date and time, to the minute. */
export function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/**
 * A local date and time to the second, with the time zone ("2 Dec 2026, 11:07:32 CET"): for records
 * read side by side, such as audit entries and decisions, where several fall within one minute.
 */
export function exactWhen(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "long" });
}

/**
 * A server message with its ISO timestamps shown as local times: the API speaks UTC to programs
 * ("sam holds this review until 2026-12-02T11:00:53.554Z"), a person reads "until 2 Dec 2026, 11:00".
 */
export function withLocalTimes(message: string): string {
  return message.replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)/g, (iso) =>
    when(iso),
  );
}

/** 0.8312 → "83%"; null → "—". */
export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${Math.round(value * 100)}%`;
}

/** snake_case and dotted words for people: "request_info" → "request info". */
export function words(text: string): string {
  return text.replace(/_/g, " ");
}
