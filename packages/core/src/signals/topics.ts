/** A policy's topics compiled: one pattern per topic, and one for all of them together. */
interface CompiledTopics {
  perTopic: readonly { topic: string; pattern: RegExp }[];
  /** Matches where any topic's pattern matches; null when no topic has a term. */
  any: RegExp | null;
}

/**
 * Compiled patterns per topic list. Policies are compiled once per version and pass the same topics
 * object on every proposal, so this cache makes matching a handful of regex tests per proposal;
 * a WeakMap lets an old policy's patterns go with it.
 */
const compiled = new WeakMap<Record<string, string[]>, CompiledTopics>();

/**
 * One pattern per topic: its terms as alternatives between word boundaries, case-insensitive, with an
 * optional plural ending, any run of spaces or hyphens between words, and either apostrophe. And the
 * same over every topic's terms at once, which finds whether any topic occurs in one scan of the
 * text instead of one per topic.
 */
function compile(topics: Record<string, string[]>): CompiledTopics {
  let patterns = compiled.get(topics);
  if (patterns !== undefined) return patterns;
  const everyTerm: string[] = [];
  const perTopic = Object.entries(topics).flatMap(([topic, terms]) => {
    const alternatives = termAlternatives(terms);
    if (alternatives.length === 0) return [];
    everyTerm.push(...alternatives);
    return [{ topic, pattern: wordPattern(alternatives) }];
  });
  patterns = { perTopic, any: everyTerm.length === 0 ? null : wordPattern(everyTerm) };
  compiled.set(topics, patterns);
  return patterns;
}

/** A topic's terms as pattern source, longest first. */
function termAlternatives(terms: string[]): string[] {
  return terms
    .map((term) => term.trim())
    .filter((term) => term.length > 0)
    .sort((a, b) => b.length - a.length)
    .map((term) =>
      term
        .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
        .replace(/[\s-]+/g, "[\\s-]+")
        .replace(/['’]/g, "['’]"),
    );
}

function wordPattern(alternatives: string[]): RegExp {
  return new RegExp(`\\b(?:${alternatives.join("|")})(?:s|es)?\\b`, "i");
}

/**
 * The topics whose words or phrases occur in any of the texts, in the order the topics are listed.
 * Matching is case-insensitive and on whole words: "court" matches "Court" and "courts", not
 * "courtesy"; "self harm" matches "self-harm".
 *
 * @example
 * ```ts
 * findTopics(["I will take you to court", "Chargeback filed"], DEFAULT_TOPICS); // ["legal", "chargeback"]
 * ```
 */
export function findTopics(texts: string[], topics: Record<string, string[]>): string[] {
  // One joined string keeps this to one regex test per topic; NUL cannot occur in a term, so no
  // phrase can match across two texts.
  const text = texts.join("\u0000");
  const { perTopic, any } = compile(topics);
  // Most texts touch no sensitive topic: one scan says so. When one occurs, each topic is tested on
  // its own, since a match of one topic's phrase may cover another topic's word.
  if (any === null || !any.test(text)) return [];
  const found: string[] = [];
  for (const { topic, pattern } of perTopic) {
    if (pattern.test(text)) found.push(topic);
  }
  return found;
}
