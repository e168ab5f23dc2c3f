/**
 * Stored times are `toISOString()` strings, which compare correctly as text; a bound given with an
 * offset is brought to the same form first.
 */
export function isoTime(value: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new RangeError(`not a timestamp: ${JSON.stringify(value)}`);
  return time.toISOString();
}
