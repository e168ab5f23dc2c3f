import { ibanValid, luhnValid } from "./checksums.ts";

/** The kinds of personal data Loopgate detects, as named in `signals.pii`. */
export type PiiKind = "email" | "phone" | "cardNumber" | "iban" | "nationalId";

/**
 * One detector: a global pattern that finds candidates cheaply, and a check that turns a candidate
 * into its placeholder (or null when it is not PII after all, e.g. a card-shaped number failing Luhn).
 * A check may accept only a prefix of the candidate (see {@link longestValid}); the rest stays text.
 */
export interface PiiDetector {
  kind: PiiKind;
  pattern: RegExp;
  /** Every kind but email needs a digit; skipping digit-free strings keeps ordinary prose cheap. */
  needs: "digit" | "at";
  /**
   * The fewest digits a string needs for this detector to find anything (a card has 13, a national
   * phone number 10): one count of a string's digits skips the detectors it cannot satisfy, so "Order
   * 1234" is not scanned for cards or phone numbers. Masking only removes digits, so a count taken
   * before the first detector runs holds for every later one.
   */
  minDigits: number;
  mask(candidate: string): string | null;
}

/**
 * Emails. Starting only where a run of local-part characters starts (the lookbehind) keeps the scan
 * linear on long strings without an `@`; domain labels each end in a dot, so they cannot be split in
 * several ways.
 */
const EMAIL = /(?<![\w.%+-])[\w.%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![\w-])/g;

/** IBANs written in capitals, compact or in groups; the candidate may run into a following word. */
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;

/**
 * Card numbers: 13–19 digits compact, in groups of four (4-4-4-1…4-4-4-4-3), or Amex/Diners 4-6-5/4-6-4,
 * with one kind of separator. Not preceded or followed by digits, decimal points or thousands
 * separators, so amounts and longer digit runs are not candidates; a letter may touch it
 * ("card4111111111111111"), since a Luhn-valid number of a card's length is a card wherever it stands.
 */
const CARD =
  /(?<![\d.,-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?|\d{4}([ -])\d{6}\2\d{4,5})(?!\d|[.,-]\d)/g;

/**
 * Issuer prefixes: every major scheme starts with 2–6 (Mastercard 2/5, Amex/Diners/JCB 3, Visa 4,
 * Discover/UnionPay/Maestro 6). Requiring one removes Luhn's one-in-ten false positives on epoch
 * timestamps (1…), order and tracking numbers starting 0, 1, 7, 8 or 9.
 */
const CARD_PREFIX = /^[2-6]/;

/** US Social Security numbers, excluding area 000, 666 and 900–999, group 00 and serial 0000. */
const SSN = /(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w]|[.-]\d)/g;

/** UK National Insurance numbers, excluding the prefixes HMRC never issues. */
const UK_NINO =
  /(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])/gi;

/** International numbers: `+` and a country code, then digits in any common grouping. */
const PHONE_INTERNATIONAL = /(?<![\w+])\+\d[\d ().-]{6,20}\d(?![\w]|[.-]\d)/g;

/**
 * National numbers in the formats people write: North American `(555) 123-4567`, `555-123-4567`,
 * `1-800-555-1234`; trunk-prefixed European `020 7946 0958`, `07700 900123`, `06 12 34 56 78`. Each
 * needs at least 10 digits and a shape dates, amounts and order numbers do not have.
 */
const PHONE_NATIONAL =
  /(?<![\w+.,-])(?:(?:1[ .-])?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}|0[1-9]\d{1,3}[ -]?\d{3,4}[ -]?\d{3,4}|0[1-9](?:[ .]\d{2}){4})(?![\w]|[.,-]\d)/g;

/** How many ASCII digits `text` holds. */
export function countDigits(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) n += 1;
  }
  return n;
}

/**
 * A candidate pattern is greedy and may swallow a following group ("4111 1111 1111 1111 2 items");
 * this tries the candidate, then each shorter prefix ending before a separator, and masks the longest
 * valid one, leaving the remainder as it was.
 */
function longestValid(
  candidate: string,
  separators: RegExp,
  valid: (prefix: string) => boolean,
  placeholder: (prefix: string) => string,
): string | null {
  let end = candidate.length;
  while (end > 0) {
    const prefix = candidate.slice(0, end);
    if (valid(prefix)) return placeholder(prefix) + candidate.slice(end);
    let cut = end - 1;
    while (cut > 0 && !separators.test(candidate[cut]!)) cut -= 1;
    end = cut;
  }
  return null;
}

const GROUP_SEPARATOR = /[ -]/;
const SPACE = / /;

function cardValid(text: string): boolean {
  const digits = text.replace(/[ -]/g, "");
  return digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && luhnValid(digits);
}

function internationalPhoneValid(text: string): boolean {
  const digits = countDigits(text);
  // E.164 allows at most 15 digits with the country code; fewer than 9 is not a reachable number.
  if (digits < 9 || digits > 15) return false;
  if (/[ .-]{2}|\(.*\(|\)[^ ]*\)/.test(text)) return false;
  const open = text.indexOf("(");
  return open === -1 ? !text.includes(")") : text.indexOf(")") > open;
}

function nationalPhoneValid(text: string): boolean {
  const digits = countDigits(text);
  return digits >= 10 && digits <= 11;
}

/**
 * The detectors in the order they run over a string. Each later one sees the placeholders of the
 * earlier ones, so the digits inside an email or an IBAN are never read again as a phone or a card.
 */
export const PII_DETECTORS: readonly PiiDetector[] = Object.freeze([
  { kind: "email", pattern: EMAIL, needs: "at", minDigits: 0, mask: () => "[email]" },
  {
    kind: "iban",
    pattern: IBAN,
    needs: "digit",
    // The check digits; the rest of an IBAN may be letters.
    minDigits: 2,
    mask: (c) => longestValid(c, SPACE, ibanValid, (p) => `[iban ••••${p.replace(/ /g, "").slice(-4)}]`),
  },
  {
    kind: "cardNumber",
    pattern: CARD,
    needs: "digit",
    minDigits: 13,
    mask: (c) =>
      longestValid(c, GROUP_SEPARATOR, cardValid, (p) => `[card ••••${p.replace(/[ -]/g, "").slice(-4)}]`),
  },
  { kind: "nationalId", pattern: SSN, needs: "digit", minDigits: 9, mask: () => "[national id]" },
  { kind: "nationalId", pattern: UK_NINO, needs: "digit", minDigits: 6, mask: () => "[national id]" },
  {
    kind: "phone",
    pattern: PHONE_INTERNATIONAL,
    needs: "digit",
    // internationalPhoneValid's least.
    minDigits: 9,
    mask: (c) => longestValid(c, SPACE, internationalPhoneValid, () => "[phone]"),
  },
  {
    kind: "phone",
    pattern: PHONE_NATIONAL,
    needs: "digit",
    // nationalPhoneValid's least.
    minDigits: 10,
    mask: (c) => (nationalPhoneValid(c) ? "[phone]" : null),
  },
]);

/**
 * Matches any placeholder {@link maskPii} writes. The server refuses a payload containing one: it
 * means a reviewer who saw masked data sent the mask back as if it were the value.
 */
export const PII_MASK_PATTERN: RegExp = /\[(?:email|phone|national id|card ••••\d{4}|iban ••••[A-Z0-9]{4})\]/;
