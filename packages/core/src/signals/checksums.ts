/**
 * Whether a card-like number passes the Luhn check (ISO/IEC 7812). Spaces and dashes between digits
 * are ignored; any other character, or fewer than two digits, makes it invalid.
 *
 * @example
 * ```ts
 * luhnValid("4111 1111 1111 1111"); // true
 * luhnValid("4111 1111 1111 1112"); // false
 * ```
 */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let count = 0;
  for (let i = digits.length - 1; i >= 0; i--) {
    const code = digits.charCodeAt(i);
    if (code === 32 || code === 45) continue; // space, dash
    const digit = code - 48;
    if (digit < 0 || digit > 9) return false;
    // Every second digit from the right is doubled; 2×d − 9 is the sum of the doubled digit's digits.
    const doubled = count % 2 === 1 ? digit * 2 : digit;
    sum += doubled > 9 ? doubled - 9 : doubled;
    count += 1;
  }
  return count >= 2 && sum % 10 === 0;
}

/**
 * Whether `text` is an IBAN with valid check digits (ISO 13616 mod-97). Spaces are ignored, letters
 * may be in either case; lengths outside 15–34 are refused without a per-country table.
 *
 * @example
 * ```ts
 * ibanValid("GB82 WEST 1234 5698 7654 32"); // true
 * ibanValid("GB82 WEST 1234 5698 7654 33"); // false
 * ```
 */
export function ibanValid(text: string): boolean {
  const iban = text.replace(/ /g, "").toUpperCase();
  if (iban.length < 15 || iban.length > 34 || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  // Move country and check digits to the end, read letters as 10–35, and take the remainder digit by
  // digit so the number never exceeds what a double holds exactly.
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    remainder = code <= 57 ? (remainder * 10 + (code - 48)) % 97 : (remainder * 100 + (code - 55)) % 97;
  }
  return remainder === 1;
}
