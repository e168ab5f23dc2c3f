import { boundedMemo } from "./bounded-memo.ts";

/**
 * Words that carry no claim: function words, plus the courtesies of a customer reply ("thanks",
 * "sorry", "let us know") so a polite sentence is not scored as an unsupported claim.
 */
const STOPWORDS = new Set(
  (
    "a about above after again against all am an and any are as at be because been before being below " +
    "between both but by can could did do does doing down during each few for from further had has have " +
    "having he her here hers herself him himself his how i if in into is it its itself just me more most " +
    "my myself no nor not now of off on once only or other our ours ourselves out over own same she " +
    "should so some such than that the their theirs them themselves then there these they this those " +
    "through to too under until up very was we were what when where which while who whom why will with " +
    "would you your yours yourself yourselves also may might must shall us get got let know dont cant " +
    "im ive youre weve thats its hi hello dear thanks thank please sorry apologies apologise apologize " +
    "hope glad happy regards best kind reaching reach contact questions question anything else further " +
    "today soon again"
  ).split(" "),
);

/**
 * Lower-cased tokens of `text`: words (with inner apostrophes removed, "don't" → "dont") and numbers
 * ("25.00" → "25", so the same amount written two ways is one token). Non-ASCII letters separate
 * words, which only matters for the English lexicons these tokens are matched against.
 *
 * A hand-written scanner rather than a regex: grounding tokenises every snippet of every proposal,
 * and this avoids a match object and a `replace` per word.
 *
 * @example
 * ```ts
 * tokenize("We'll refund €25.00 today."); // ["well", "refund", "25", "today"]
 * ```
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  forEachToken(text, (token) => out.push(token));
  return out;
}

/** Calls `visit` with each token of `text`, as {@link tokenize} lists them, without the list. */
function forEachToken(text: string, visit: (token: string) => void): void {
  const lower = text.toLowerCase();
  const n = lower.length;
  let i = 0;
  while (i < n) {
    const code = lower.charCodeAt(i);
    if (isLetter(code)) {
      let word = "";
      let start = i;
      i += 1;
      while (i < n) {
        const c = lower.charCodeAt(i);
        if (isLetter(c)) i += 1;
        else if ((c === 39 || c === 0x2019) && i + 1 < n && isLetter(lower.charCodeAt(i + 1))) {
          word += lower.slice(start, i);
          i += 1;
          start = i;
        } else break;
      }
      visit(word + lower.slice(start, i));
    } else if (isDigit(code)) {
      const start = i;
      i += 1;
      while (i < n) {
        const c = lower.charCodeAt(i);
        if (isDigit(c)) i += 1;
        else if ((c === 46 || c === 44) && i + 1 < n && isDigit(lower.charCodeAt(i + 1))) i += 2;
        else break;
      }
      visit(trimZeroDecimals(lower.slice(start, i)));
    } else {
      i += 1;
    }
  }
}

function isLetter(code: number): boolean {
  return code >= 97 && code <= 122;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** "25.00" → "25", "2,50" stays; a decimal part of zeros says nothing the integer does not. */
function trimZeroDecimals(number: string): string {
  let end = number.length;
  while (end > 0 && number.charCodeAt(end - 1) === 48) end -= 1;
  const separator = number.charCodeAt(end - 1);
  return end < number.length && (separator === 46 || separator === 44) ? number.slice(0, end - 1) : number;
}

/**
 * A light suffix-stripping stemmer: enough that "refunds", "refunded" and "refunding" meet, without
 * the size of a full Porter stemmer. Applied the same way to drafts and evidence, so its
 * imperfections cancel out.
 *
 * @example
 * ```ts
 * stem("charged") === stem("charges"); // true ("charg")
 * ```
 */
export function stem(word: string): string {
  return STEMS(word);
}

/** Stemming is the costliest step per word, and the vocabulary of a desk is small. */
const STEMS = boundedMemo(20_000, (word) => stemUncached(word));

function stemUncached(word: string): string {
  let w = word;
  if (w.length <= 3 || isDigit(w.charCodeAt(0))) return w;
  if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) w = w.slice(0, -1);
  if (w.endsWith("ing") && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith("ed") && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith("ly") && w.length > 4) w = w.slice(0, -2);
  // "shipped" → "shipp" → "ship"; "charge"/"charged" → "charg".
  const last = w.charCodeAt(w.length - 1);
  if (w.length > 3 && last === w.charCodeAt(w.length - 2) && !"lsz".includes(w[w.length - 1]!))
    w = w.slice(0, -1);
  if (w.length > 3 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

/**
 * The stems of the words of `text` that can carry a claim: stopwords removed, numbers kept.
 *
 * @example
 * ```ts
 * contentStems("Your refund was processed on Monday"); // Set { "refund", "process", "monday" }
 * ```
 */
export function contentStems(text: string): Set<string> {
  const stems = new Set<string>();
  forEachToken(text, (token) => {
    const content = CONTENT_STEMS(token);
    if (content !== null) stems.add(content);
  });
  return stems;
}

/** A token's stem, or null for a stopword: one lookup a token where a stopword check and a stem were two. */
const CONTENT_STEMS = boundedMemo<string | null>(20_000, (token) =>
  STOPWORDS.has(token) ? null : stemUncached(token),
);

/**
 * The sentences of `text`, trimmed, without empty ones: it breaks at a run of whitespace that follows a
 * sentence end (`.`, `!`, `?`, `…`) or holds a line break; a comma does not end a sentence.
 * Abbreviations such as "e.g." split a sentence in two, which at worst makes two short pieces that
 * grounding then ignores.
 *
 * Scanned by hand rather than split with a pattern (`/(?<=[.!?…])\s+|\s*\n\s*\/`, which it equals):
 * grounding splits every drafted text, and the lookbehind made the split a visible part of it.
 *
 * @example
 * ```ts
 * splitSentences("Hi Anna,\nYour refund is on its way. Best,\nSam"); // ["Hi Anna,", "Your refund is on its way.", "Best,", "Sam"]
 * ```
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let start = 0;
  let i = 0;
  while (i < n) {
    if (!isWhitespace(text.charCodeAt(i))) {
      i += 1;
      continue;
    }
    const runStart = i;
    let lineBreak = false;
    while (i < n && isWhitespace(text.charCodeAt(i))) {
      if (text.charCodeAt(i) === 10) lineBreak = true;
      i += 1;
    }
    if (lineBreak || (runStart > 0 && endsSentence(text.charCodeAt(runStart - 1)))) {
      pushTrimmed(out, text.slice(start, runStart));
      start = i;
    }
  }
  pushTrimmed(out, text.slice(start));
  return out;
}

function pushTrimmed(out: string[], part: string): void {
  const sentence = part.trim();
  if (sentence.length > 0) out.push(sentence);
}

/** `.`, `!`, `?` or `…`. */
function endsSentence(code: number): boolean {
  return code === 46 || code === 33 || code === 63 || code === 0x2026;
}

/** What `\s` matches in a JavaScript pattern: ASCII and Unicode spaces, line ends, the BOM. */
function isWhitespace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}
