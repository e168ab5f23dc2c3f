import { INTENSIFIERS, NEGATORS, SENTIMENT_LEXICON } from "./sentiment-lexicon.ts";

/** Words (with apostrophes) or clause-ending punctuation, which ends a negation's reach. */
const TOKEN = /[A-Za-z]+(?:['’][A-Za-z]+)*|[.!?;,]/g;

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
  for (const match of text.matchAll(TOKEN)) {
    const raw = match[0];
    if (raw.length === 1 && !/[A-Za-z]/.test(raw)) {
      negatedFor = 0;
      boost = 1;
      continue;
    }
    const word = raw.toLowerCase().replace(/['’]/g, "");
    if (word === "but") {
      // "It arrived, but it's broken": the clause after "but" carries the message.
      sum *= 0.5;
      negatedFor = 0;
      continue;
    }
    if (NEGATORS.has(word)) {
      negatedFor = NEGATION_REACH;
      continue;
    }
    if (INTENSIFIERS.has(word)) {
      boost = 1.5;
      continue;
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
  }
  const score = sum / Math.sqrt(sum * sum + ALPHA);
  return Math.round(score * 1000) / 1000 || 0;
}
