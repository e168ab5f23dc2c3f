/**
 * The agent's intent classifier: multinomial logistic regression (softmax) over word unigrams and bigrams,
 * trained by full-batch gradient descent with L2 regularisation.
 *
 * Why this and not a library or naive Bayes: the team labels a few hundred short messages, and on so little
 * data a linear model over words is as accurate as anything heavier, trains in milliseconds at start-up, and
 * every weight can be read. Naive Bayes would be as accurate but its probabilities pile up near 0 and 1,
 * and the agent reports its top probability to Loopgate as `agentConfidence`; the regularised softmax gives
 * softer numbers that mean more (Loopgate calibrates them anyway from the reviews).
 */
export interface Prediction {
  intent: string;
  probability: number;
  /** The top probability minus the runner-up's. */
  margin: number;
  runnerUp: string;
  /** Every intent's probability, highest first. */
  ranked: { intent: string; probability: number }[];
}

export interface TrainingOptions {
  /** @defaultValue 150 */
  epochs?: number;
  /** @defaultValue 1 */
  learningRate?: number;
  /** L2 penalty per weight. @defaultValue 0.0005 */
  l2?: number;
}

const STOPWORDS = new Set(
  "a an the i me my we our you your it its is am are was were be been to of in on at for and or but so this that with from have has had do does did can could would will just".split(
    " ",
  ),
);

/** Lower-case words with a light stem; numbers and stopwords dropped. */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z]+(?:'[a-z]+)?/g) ?? [])
    .map((word) => word.replace(/'[a-z]+$/, ""))
    .filter((word) => word.length > 1 && !STOPWORDS.has(word))
    .map(lightStem);
}

function lightStem(word: string): string {
  if (word.length <= 4) return word;
  return word.replace(/(ing|ed|es|s)$/, "");
}

/** The features of a text: its words and its adjacent word pairs. */
export function features(text: string): string[] {
  const tokens = words(text);
  const out = [...tokens];
  for (let i = 1; i < tokens.length; i++) out.push(`${tokens[i - 1]}_${tokens[i]}`);
  return out;
}

/** A trained classifier; `train` builds one. */
export class IntentClassifier {
  readonly intents: readonly string[];
  readonly #vocabulary: Map<string, number>;
  /** weights[intent][feature], the bias last. */
  readonly #weights: Float64Array[];

  private constructor(intents: string[], vocabulary: Map<string, number>, weights: Float64Array[]) {
    this.intents = intents;
    this.#vocabulary = vocabulary;
    this.#weights = weights;
  }

  /**
   * Trains on labelled examples (intent → texts). Deterministic: weights start at zero.
   *
   * @example
   * ```ts
   * const classifier = IntentClassifier.train({ greet: ["hello there"], bye: ["see you later"] });
   * classifier.predict("hello").intent; // "greet"
   * ```
   */
  static train(
    examples: Readonly<Record<string, readonly string[]>>,
    options: TrainingOptions = {},
  ): IntentClassifier {
    const intents = Object.keys(examples).sort();
    const vocabulary = new Map<string, number>();
    const rows: { features: number[]; label: number }[] = [];
    intents.forEach((intent, label) => {
      for (const text of examples[intent] ?? []) {
        const indexes = new Set<number>();
        for (const feature of features(text)) {
          if (!vocabulary.has(feature)) vocabulary.set(feature, vocabulary.size);
          indexes.add(vocabulary.get(feature)!);
        }
        rows.push({ features: [...indexes], label });
      }
    });
    const width = vocabulary.size + 1;
    const bias = vocabulary.size;
    const weights = intents.map(() => new Float64Array(width));
    const epochs = options.epochs ?? 150;
    const rate = options.learningRate ?? 1;
    const l2 = options.l2 ?? 0.0005;
    const gradients = intents.map(() => new Float64Array(width));
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (const gradient of gradients) gradient.fill(0);
      for (const row of rows) {
        const probabilities = softmax(weights.map((w) => score(w, row.features, bias)));
        probabilities.forEach((p, k) => {
          const error = p - (k === row.label ? 1 : 0);
          const gradient = gradients[k]!;
          for (const index of row.features) gradient[index]! += error;
          gradient[bias]! += error;
        });
      }
      weights.forEach((w, k) => {
        const gradient = gradients[k]!;
        for (let j = 0; j < width; j++) w[j]! -= rate * (gradient[j]! / rows.length + l2 * w[j]!);
      });
    }
    return new IntentClassifier(intents, vocabulary, weights);
  }

  /** The most likely intent, its probability, and the margin to the runner-up. */
  predict(text: string): Prediction {
    const indexes = [
      ...new Set(features(text).flatMap((f) => (this.#vocabulary.has(f) ? [this.#vocabulary.get(f)!] : []))),
    ];
    const bias = this.#vocabulary.size;
    const probabilities = softmax(this.#weights.map((w) => score(w, indexes, bias)));
    const ranked = this.intents
      .map((intent, k) => ({ intent, probability: probabilities[k]! }))
      .sort((a, b) => b.probability - a.probability);
    const [top, second] = [ranked[0]!, ranked[1]!];
    return {
      intent: top.intent,
      probability: top.probability,
      margin: top.probability - second.probability,
      runnerUp: second.intent,
      ranked,
    };
  }
}

function score(weights: Float64Array, features: number[], bias: number): number {
  let sum = weights[bias]!;
  for (const index of features) sum += weights[index]!;
  return sum;
}

function softmax(scores: number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}
