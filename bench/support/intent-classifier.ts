/**
 * A multinomial naive Bayes intent classifier over word unigrams and bigrams — a simple, real "agent"
 * for the calibration benchmark. Naive Bayes is known to be over-confident (it multiplies evidence as if
 * words were independent), which is the situation calibration is for.
 */
import type { LabelledQuery } from "./banking77.ts";

/** What the classifier says about one query: its top intent and the numbers an agent would report. */
export interface IntentPrediction {
  category: string;
  /** Posterior probability of the top intent. */
  confidence: number;
  /** Log-odds of the top intent over the runner-up (stays informative when `confidence` rounds to 1). */
  margin: number;
  /** Posterior probability of the runner-up. */
  runnerUp: number;
  /** Tokens in the query. */
  tokens: number;
  /** Share of the query's tokens never seen in training. */
  unseenShare: number;
}

/** Lower-case word tokens, plus bigrams joined by a space. */
export function features(text: string): { tokens: string[]; features: string[] } {
  const tokens = text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
  const bigrams = tokens.slice(1).map((token, i) => `${tokens[i]} ${token}`);
  return { tokens, features: [...tokens, ...bigrams] };
}

/** A trained classifier. */
export interface IntentClassifier {
  predict(text: string): IntentPrediction;
}

/**
 * Trains the classifier with additive smoothing `alpha`.
 *
 * @example
 * ```ts
 * const classifier = trainNaiveBayes(train, 0.3);
 * classifier.predict("my card has not arrived yet").category; // "card_arrival"
 * ```
 */
export function trainNaiveBayes(train: readonly LabelledQuery[], alpha = 0.3): IntentClassifier {
  const categories = [...new Set(train.map((q) => q.category))].sort();
  const index = new Map(categories.map((c, i) => [c, i]));
  const vocabulary = new Map<string, number>();
  const counts: Map<number, number>[] = categories.map(() => new Map());
  const totals = new Array<number>(categories.length).fill(0);
  const documents = new Array<number>(categories.length).fill(0);
  const seenTokens = new Set<string>();

  for (const query of train) {
    const c = index.get(query.category)!;
    documents[c]! += 1;
    const { tokens, features: fs } = features(query.text);
    for (const token of tokens) seenTokens.add(token);
    for (const f of fs) {
      let id = vocabulary.get(f);
      if (id === undefined) {
        id = vocabulary.size;
        vocabulary.set(f, id);
      }
      counts[c]!.set(id, (counts[c]!.get(id) ?? 0) + 1);
      totals[c]! += 1;
    }
  }
  const v = vocabulary.size;
  const prior = documents.map((d) => Math.log(d / train.length));
  const denominator = totals.map((t) => Math.log(t + alpha * v));

  return {
    predict(text) {
      const { tokens, features: fs } = features(text);
      const known = fs.map((f) => vocabulary.get(f)).filter((id): id is number => id !== undefined);
      const scores = categories.map((_, c) => {
        let score = prior[c]!;
        for (const id of known) score += Math.log((counts[c]!.get(id) ?? 0) + alpha) - denominator[c]!;
        return score;
      });
      let top = 0;
      let second = -1;
      for (let c = 1; c < scores.length; c++) {
        if (scores[c]! > scores[top]!) {
          second = top;
          top = c;
        } else if (second < 0 || scores[c]! > scores[second]!) second = c;
      }
      const best = scores[top]!;
      let sum = 0;
      for (const s of scores) sum += Math.exp(s - best);
      return {
        category: categories[top]!,
        confidence: 1 / sum,
        margin: best - scores[second]!,
        runnerUp: Math.exp(scores[second]! - best) / sum,
        tokens: tokens.length,
        unseenShare:
          tokens.length === 0 ? 1 : tokens.filter((t) => !seenTokens.has(t)).length / tokens.length,
      };
    },
  };
}
