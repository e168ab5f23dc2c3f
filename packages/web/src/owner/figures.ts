/** How the dashboards print numbers. */

/** 0.0512 → "5.1%" (one decimal below 10%, whole percents above); null → "—". */
export function rate(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const pct = value * 100;
  return `${pct !== 0 && Math.abs(pct) < 10 ? pct.toFixed(1) : Math.round(pct)}%`;
}

/** A duration in seconds for people: "42 s", "1.5 min", "12 min", "3.5 h"; null → "—". */
export function seconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value < 60) return `${Math.round(value)} s`;
  if (value < 600) return `${Number((value / 60).toFixed(1))} min`;
  if (value < 3600) return `${Math.round(value / 60)} min`;
  return `${(value / 3600).toFixed(1)} h`;
}

/** A number with 3 decimals (ECE, Brier score). */
export function score(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : value.toFixed(3);
}

/** snake_case or camelCase words for people: "needs_info" / "needsInfo" → "needs info". */
export function label(key: string): string {
  return key
    .replace(/_/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
}

/** The text with its first letter in capitals: "false approval rate" → "False approval rate". */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
