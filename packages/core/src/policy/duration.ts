const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const UNITS_IN_ORDER: readonly Unit[] = ["d", "h", "m", "s", "ms"];

/** What a bad duration's error says to do; the loader repeats it as a policy problem. */
export const DURATION_HINT = "use a whole number and a unit, largest first, e.g. 90s, 30m, 4h, 2d or 1h30m";

/**
 * Parses a duration written in a policy (`30m`, `4h`, `2d`, `90s`, `1h30m`, `500ms`) into milliseconds.
 * Units are `d`, `h`, `m`, `s` and `ms`, each at most once and largest first.
 *
 * @throws Error when the text is not a duration; the message says how to write one.
 *
 * @example
 * ```ts
 * parseDuration("1h30m"); // 5_400_000
 * parseDuration("90s"); // 90_000
 * parseDuration("4 hours"); // throws: invalid duration "4 hours": use a whole number and a unit, …
 * ```
 */
export function parseDuration(text: string): number {
  const source = text.trim();
  let total = 0;
  let lastUnit = -1;
  const part = /(\d+)(ms|d|h|m|s)/y;
  while (part.lastIndex < source.length) {
    const match = part.exec(source);
    if (match === null) break;
    const unitIndex = UNITS_IN_ORDER.indexOf(match[2] as Unit);
    if (unitIndex <= lastUnit) throw new Error(`invalid duration "${text}": ${DURATION_HINT}`);
    lastUnit = unitIndex;
    total += Number(match[1]) * UNIT_MS[match[2] as Unit];
  }
  if (
    source.length === 0 ||
    lastUnit === -1 ||
    part.lastIndex !== source.length ||
    !Number.isSafeInteger(total)
  ) {
    throw new Error(`invalid duration "${text}": ${DURATION_HINT}`);
  }
  return total;
}
