import { contentStems } from "../signals/text-tokens.ts";

/** A past case's text, as {@link rankSimilarCases} compares it: what was asked and what was proposed. */
export interface CaseText {
  id: string;
  text: string;
}

/** A past case and how alike it is to the one under review, from 0 (nothing shared) to 1. */
export interface SimilarCaseScore {
  id: string;
  similarity: number;
}

/** Options of {@link rankSimilarCases}. */
export interface SimilarCaseOptions {
  /** At most this many, most similar first. */
  limit: number;
  /** Cases below this similarity are left out: sharing a word or two is not similar. @defaultValue 0.2 */
  minSimilarity?: number;
}

/**
 * Ranks past cases by how alike their text is to `target`'s: the cosine of their word stems (stopwords
 * left out), each stem weighted by how rare it is among the cases compared (inverse document
 * frequency), so that "refund" in a pool of refunds counts for little and "duplicate charge" for much.
 * For the review page's "similar past cases": the reviewer sees how people decided cases like this one.
 *
 * @example
 * ```ts
 * rankSimilarCases("I was charged twice for my order", [
 *   { id: "p_1", text: "Charged twice for the same order, please refund one" },
 *   { id: "p_2", text: "How do I change my address?" },
 * ], { limit: 3 }); // [{ id: "p_1", similarity: 0.682 }]
 * ```
 */
export function rankSimilarCases(
  target: string,
  cases: readonly CaseText[],
  options: SimilarCaseOptions,
): SimilarCaseScore[] {
  const wanted = contentStems(target);
  if (wanted.size === 0 || options.limit < 1) return [];
  const stems = cases.map((c) => contentStems(c.text));
  // Document frequencies over the pool and the target, so that a stem every case shares weighs little.
  const frequency = new Map<string, number>();
  for (const set of [wanted, ...stems]) {
    for (const stem of set) frequency.set(stem, (frequency.get(stem) ?? 0) + 1);
  }
  const documents = stems.length + 1;
  const weight = (stem: string) => {
    const idf = Math.log((documents + 1) / ((frequency.get(stem) ?? 0) + 1)) + 1;
    return idf * idf;
  };
  const norm = (set: Set<string>) => {
    let sum = 0;
    for (const stem of set) sum += weight(stem);
    return Math.sqrt(sum);
  };
  const wantedNorm = norm(wanted);
  const floor = options.minSimilarity ?? 0.2;
  const scored: SimilarCaseScore[] = [];
  cases.forEach((c, i) => {
    const set = stems[i]!;
    if (set.size === 0) return;
    let shared = 0;
    for (const stem of set) if (wanted.has(stem)) shared += weight(stem);
    const similarity = shared / (wantedNorm * norm(set));
    if (similarity >= floor) scored.push({ id: c.id, similarity: Math.round(similarity * 1000) / 1000 });
  });
  return scored
    .sort((a, b) => b.similarity - a.similarity || a.id.localeCompare(b.id))
    .slice(0, options.limit);
}
