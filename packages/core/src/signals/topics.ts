/**
 * Compiled patterns per topic list. Policies are compiled once per version and pass the same topics
 * object on every proposal, so this cache makes matching a handful of regex tests per proposal;
 * a WeakMap lets an old policy's patterns go with it.
 */
const compiled = new WeakMap<Record<string, string[]>, readonly { topic: string; pattern: RegExp }[]>();

/**
 * One pattern per topic: its terms as alternatives between word boundaries, case-insensitive, with an
 * optional plural ending, any run of spaces or hyphens between words, and either apostrophe.
 */
function compile(topics: Record<string, string[]>) {
  let patterns = compiled.get(topics);
  if (patterns !== undefined) return patterns;
  patterns = Object.entries(topics).flatMap(([topic, terms]) => {
    const alternatives = terms
      .map((term) => term.trim())
      .filter((term) => term.length > 0)
      .sort((a, b) => b.length - a.length)
      .map((term) =>
        term
          .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
          .replace(/[\s-]+/g, "[\\s-]+")
          .replace(/['’]/g, "['’]"),
      );
    if (alternatives.length === 0) return [];
    return [{ topic, pattern: new RegExp(`\\b(?:${alternatives.join("|")})(?:s|es)?\\b`, "i") }];
  });
  compiled.set(topics, patterns);
  return patterns;
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
  const found: string[] = [];
  for (const { topic, pattern } of compile(topics)) {
    if (pattern.test(text)) found.push(topic);
  }
  return found;
}
