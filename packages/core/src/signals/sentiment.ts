import { INTENSIFIERS, NEGATORS, SENTIMENT_LEXICON } from "./sentiment-lexicon.ts";

/** A negation reaches this many words ahead ("not at all happy"), as in VADER. */
const NEGATION_REACH = 3;

/** A negated word keeps about half its strength, reversed: "not good" is mildly negative, not −2. */
const NEGATION_FACTOR = -0.5;

/** Normalisation constant from VADER: sum / sqrt(sum² + α) maps any sum into (−1, 1). */
const ALPHA = 15;

/**
 * The sentiment of a text from −1 (hostile) to 1 (delighted), 0 when it uses no sentiment words.
 * A lexicon score with the rules that matter most in customer messages: negation ("not happy"),
 * intensifiers ("very"), SHOUTED words, and "but" (what follows it outweighs what precedes it).
 *
 * @returns null for a blank text; the score rounded to three decimals otherwise.
 *
 * @example
 * ```ts
 * sentimentScore("This is UNACCEPTABLE, I am furious"); // ≈ -0.9
 * sentimentScore("Thanks, that was really helpful!");   // ≈ 0.7
 * sentimentScore("My order number is 1234.");           // 0
 * ```
 */
export function sentimentScore(text: string): number | null {
  if (text.trim().length === 0) return null;
  // In a text that is not all capitals, a word in capitals is shouted.
  const mixedCase = text !== text.toUpperCase();
  let sum = 0;
  let negatedFor = 0;
  let boost = 1;
  forEachSentimentToken(text, (raw) => {
    if (raw === null) {
      negatedFor = 0;
      boost = 1;
      return;
    }
    const lower = raw.toLowerCase();
    const word = lower.includes("'") || lower.includes("’") ? lower.replace(/['’]/g, "") : lower;
    if (word === "but") {
      // "It arrived, but it's broken": the clause after "but" carries the message.
      sum *= 0.5;
      negatedFor = 0;
      return;
    }
    if (NEGATORS.has(word)) {
      negatedFor = NEGATION_REACH;
      return;
    }
    if (INTENSIFIERS.has(word)) {
      boost = 1.5;
      return;
    }
    const weight = SENTIMENT_LEXICON.get(word);
    if (weight !== undefined) {
      let value = weight * boost;
      if (mixedCase && raw.length >= 3 && raw === raw.toUpperCase()) value *= 1.5;
      if (negatedFor > 0) value *= NEGATION_FACTOR;
      sum += value;
      boost = 1;
    }
    if (negatedFor > 0) negatedFor -= 1;
  });
  const score = sum / Math.sqrt(sum * sum + ALPHA);
  return Math.round(score * 1000) / 1000 || 0;
}

/**
 * Calls `visit` with each word of `text` as written — ASCII letters, with apostrophes (' or ’) between
 * letters ("don't") — and with `null` at each clause-ending mark (`.`, `!`, `?`, `;`, `,`), which ends a
 * negation's reach; in order, skipping everything else. The tokens of the pattern
 * `/[A-Za-z]+(?:['’][A-Za-z]+)*|[.!?;,]/g`, scanned by hand: the score runs on every request's text,
 * and a match object per word was most of its garbage.
 *
 * @example
 * ```ts
 * const tokens: (string | null)[] = [];
 * forEachSentimentToken("I don't like it, at ALL!", (t) => tokens.push(t));
 * // ["I", "don't", "like", "it", null, "at", "ALL", null]
 * ```
 */
export function forEachSentimentToken(text: string, visit: (word: string | null) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (!isAsciiLetter(code)) {
      // . ! ? ; ,
      if (code === 46 || code === 33 || code === 63 || code === 59 || code === 44) visit(null);
      i += 1;
      continue;
    }
    const start = i;
    i += 1;
    for (;;) {
      while (i < n && isAsciiLetter(text.charCodeAt(i))) i += 1;
      const next = text.charCodeAt(i);
      if ((next === 39 || next === 0x2019) && i + 1 < n && isAsciiLetter(text.charCodeAt(i + 1))) i += 2;
      else break;
    }
    visit(text.slice(start, i));
  }
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}
