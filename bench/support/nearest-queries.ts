/**
 * Nearest training queries by TF-IDF cosine similarity — the retrieval an agent does before answering,
 * whose scores it can pass along as signals (as it passes evidence scores in a proposal).
 */
import type { LabelledQuery } from "./banking77.ts";
import { features } from "./intent-classifier.ts";

/** What the neighbours say about a query and an intended category. */
export interface NeighbourEvidence {
  /** Cosine similarity to the closest training query of the given category (0 when none shares a word). */
  bestSimilarity: number;
  /** Share of the `k` nearest training queries that carry the given category. */
  agreement: number;
}

/** An index over training queries. */
export interface QueryIndex {
  evidenceFor(text: string, category: string): NeighbourEvidence;
}

/** Builds the index (inverted lists of L2-normalised TF-IDF weights). */
export function indexQueries(train: readonly LabelledQuery[], k = 10): QueryIndex {
  const documentFrequency = new Map<string, number>();
  const bags = train.map((query) => {
    const bag = new Map<string, number>();
    for (const f of features(query.text).features) bag.set(f, (bag.get(f) ?? 0) + 1);
    for (const f of bag.keys()) documentFrequency.set(f, (documentFrequency.get(f) ?? 0) + 1);
    return bag;
  });
  const idf = (f: string) => Math.log((1 + train.length) / (1 + (documentFrequency.get(f) ?? 0))) + 1;
  const vector = (bag: Map<string, number>) => {
    const weights = [...bag].map(([f, tf]) => [f, (1 + Math.log(tf)) * idf(f)] as const);
    const norm = Math.sqrt(weights.reduce((sum, [, w]) => sum + w * w, 0)) || 1;
    return weights.map(([f, w]) => [f, w / norm] as const);
  };
  const postings = new Map<string, { doc: number; weight: number }[]>();
  bags.forEach((bag, doc) => {
    for (const [f, weight] of vector(bag)) {
      const list = postings.get(f);
      if (list === undefined) postings.set(f, [{ doc, weight }]);
      else list.push({ doc, weight });
    }
  });

  const similarity = new Float64Array(train.length);
  const touched: number[] = [];
  return {
    evidenceFor(text, category) {
      const bag = new Map<string, number>();
      for (const f of features(text).features) bag.set(f, (bag.get(f) ?? 0) + 1);
      for (const [f, weight] of vector(bag)) {
        for (const posting of postings.get(f) ?? []) {
          if (similarity[posting.doc] === 0) touched.push(posting.doc);
          similarity[posting.doc]! += weight * posting.weight;
        }
      }
      // One pass: the best of the category, and the top k kept sorted in a small array.
      let bestSimilarity = 0;
      const top: { doc: number; s: number }[] = [];
      for (const doc of touched) {
        const s = similarity[doc]!;
        if (train[doc]!.category === category && s > bestSimilarity) bestSimilarity = s;
        if (top.length < k || s > top[top.length - 1]!.s) {
          let at = top.length;
          while (at > 0 && top[at - 1]!.s < s) at--;
          top.splice(at, 0, { doc, s });
          if (top.length > k) top.pop();
        }
        similarity[doc] = 0;
      }
      touched.length = 0;
      const agreeing = top.filter(({ doc }) => train[doc]!.category === category).length;
      return { bestSimilarity, agreement: agreeing / k };
    },
  };
}
