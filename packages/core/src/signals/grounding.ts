import { boundedMemo } from "./bounded-memo.ts";
import { contentStems, splitSentences } from "./text-tokens.ts";

/**
 * A sentence is supported when at least this share of its content words occur in one evidence
 * snippet. Half is strict enough that a sentence borrowing two words from the knowledge base is not
 * "grounded", and loose enough that paraphrase ("we have refunded" vs "refunds are issued") passes.
 */
export const SUPPORT_OVERLAP = 0.5;

/**
 * Sentences with fewer content words than this are not claims worth checking ("Thanks again.",
 * "Sam"); they count neither for nor against the score.
 */
export const MIN_CONTENT_WORDS = 3;

/** A greeting opening a draft ("Hi Anna,", "Dear Mr. Smith,"), removed before a sentence is scored. */
const GREETING =
  /^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)\b[^,.!?\n]{0,40}[,!:]\s*/i;

/** A sign-off line ("Best regards,", "Kind regards, Sam", "Cheers"), never scored. */
const SIGN_OFF =
  /^(?:(?:best|kind|warm|many)\s+)?(?:regards|wishes|thanks|thank you|cheers|sincerely|yours(?: truly| sincerely)?|best)\b[^.!?]{0,30}$/i;

/**
 * The share of a drafted text's sentences that the evidence supports: a sentence counts when at least
 * {@link SUPPORT_OVERLAP} of its content words (stopwords removed, lightly stemmed) occur in a single
 * snippet. Greetings, sign-offs and sentences under {@link MIN_CONTENT_WORDS} content words are not
 * scored.
 *
 * @returns null when the draft is blank or has no sentence worth scoring; 0 when there is something
 * to ground but no evidence.
 *
 * @example
 * ```ts
 * groundingScore(
 *   "Hi Anna,\nRefunds for duplicate charges are issued within 5 business days.\nBest regards,\nSam",
 *   ["Duplicate charges are refunded within 5 business days of the request."],
 * ); // 1
 * ```
 */
export function groundingScore(draft: string, snippets: string[]): number | null {
  const claims: Set<string>[] = [];
  for (const sentence of splitSentences(draft)) {
    if (SIGN_OFF.test(sentence)) continue;
    const words = contentStems(sentence.replace(GREETING, ""));
    if (words.size >= MIN_CONTENT_WORDS) claims.push(words);
  }
  if (claims.length === 0) return null;
  const evidence: ReadonlySet<string>[] = [];
  for (const snippet of snippets) {
    if (snippet.trim().length > 0) evidence.push(snippetStems(snippet));
  }
  let supported = 0;
  for (const claim of claims) {
    if (evidence.some((words) => overlap(claim, words) >= SUPPORT_OVERLAP)) supported += 1;
  }
  return supported / claims.length;
}

/**
 * Evidence snippets come from a knowledge base, so the same few hundred recur across proposals; their
 * stems are kept (bounded) rather than tokenised again for every draft. The sets are only read.
 */
const snippetStems: (snippet: string) => ReadonlySet<string> = boundedMemo(2_000, contentStems);

function overlap(claim: ReadonlySet<string>, evidence: ReadonlySet<string>): number {
  let shared = 0;
  for (const word of claim) if (evidence.has(word)) shared += 1;
  return shared / claim.size;
}
