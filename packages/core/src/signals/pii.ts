import type { Signals } from "../wire/proposal.ts";
import { countDigits, PII_DETECTORS, type PiiKind } from "./pii-detectors.ts";
import { forEachString } from "./walk-strings.ts";

/**
 * Runs every detector over one string: returns the string with each finding replaced by its
 * placeholder, and records the kinds found. Detection and masking share this so they never disagree.
 */
export function maskString(text: string, found?: Set<PiiKind>): string {
  const hasAt = text.includes("@");
  const digits = countDigits(text);
  if (!hasAt && digits === 0) return text;
  let out = text;
  for (const detector of PII_DETECTORS) {
    if (detector.needs === "at" ? !hasAt : digits < detector.minDigits) continue;
    // `replace` with a global pattern always starts at 0 and resets lastIndex, so sharing is safe.
    out = out.replace(detector.pattern, (candidate) => {
      const masked = detector.mask(candidate);
      if (masked === null) return candidate;
      found?.add(detector.kind);
      return masked;
    });
  }
  return out;
}

/**
 * Which kinds of personal data occur anywhere in a value: every string value and object key, at any
 * depth. Cards must pass Luhn and carry an issuer prefix, IBANs their mod-97 check digits, SSNs
 * avoid the ranges never issued; phones need a phone's shape, so dates, amounts and order numbers do
 * not count.
 *
 * @example
 * ```ts
 * detectPii({ to: "anna@example.com", body: "Card 4111 1111 1111 1111" });
 * // { email: true, phone: false, cardNumber: true, iban: false, nationalId: false, any: true }
 * ```
 */
export function detectPii(value: unknown): Signals["pii"] {
  const found = new Set<PiiKind>();
  forEachString(value, (text) => {
    maskString(text, found);
  });
  return {
    email: found.has("email"),
    phone: found.has("phone"),
    cardNumber: found.has("cardNumber"),
    iban: found.has("iban"),
    nationalId: found.has("nationalId"),
    any: found.size > 0,
  };
}

/**
 * Nesting beyond this is replaced by a marker rather than walked: a masked view must never leak a
 * value it did not inspect, and a reviewer gains nothing from a 65-level-deep payload.
 */
const MAX_MASK_DEPTH = 64;

/**
 * A copy of a JSON value with personal data in every string (and object key) replaced by
 * placeholders: `[email]`, `[phone]`, `[card ••••1234]`, `[iban ••••5432]`, `[national id]`. The API
 * shows this to reviewers without the PII permission. Non-string leaves are kept as they are.
 *
 * @example
 * ```ts
 * maskPii({ body: "Write to anna@example.com about card 4111-1111-1111-1111" });
 * // { body: "Write to [email] about card [card ••••1111]" }
 * ```
 */
export function maskPii(value: unknown): unknown {
  return maskValue(value, 0);
}

function maskValue(value: unknown, depth: number): unknown {
  if (typeof value === "string") return maskString(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_MASK_DEPTH) return "[nested too deep to show]";
  if (Array.isArray(value)) return value.map((item) => maskValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[maskString(key)] = maskValue(item, depth + 1);
  return out;
}
