/**
 * bench/calibration-banking77 — calibration and threshold recommendations on real data (SPEC §5).
 *
 * An "agent" (multinomial naive Bayes over words and bigrams) classifies Banking77 customer queries into
 * 77 intents; its top posterior is its `agentConfidence` and a correct intent is "approved unchanged"
 * (label 1), a wrong one a rejection (0). The data set's one split is cut, per seed, into 60% to train the
 * classifier, 20% as reviewed history (calibration fit and threshold recommendation) and 20% as fresh
 * proposals on which everything is measured.
 *
 *   npm run bench:calibration -- [--seed 77] [--seeds 5] [--target 0.02] [--bound wilson|clopper_pearson]
 *                                [--train 0.6] [--history 0.2]
 *
 * Reads ../shared/datasets/banking77 (CC BY 4.0, PolyAI; see its README), never a copy in the repo.
 */
import { parseArgs } from "node:util";
import {
  type BoundMethod,
  brierScore,
  type CalibrationSample,
  calibratedConfidence,
  crossFittedConfidences,
  expectedCalibrationError,
  fitCalibrationMap,
  recommendThreshold,
  type ScoredOutcome,
} from "@loopgate/core";
import { loadBanking77, seededSplit } from "./support/banking77.ts";
import { type IntentPrediction, trainNaiveBayes } from "./support/intent-classifier.ts";
import { table } from "./support/latency.ts";
import { indexQueries, type NeighbourEvidence } from "./support/nearest-queries.ts";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "77" },
    seeds: { type: "string", default: "5" },
    target: { type: "string", default: "0.02" },
    bound: { type: "string", default: "wilson" },
    train: { type: "string", default: "0.6" },
    history: { type: "string", default: "0.2" },
  },
});
const firstSeed = Number(values.seed);
const seedCount = Number(values.seeds);
const target = Number(values.target);
const bound = values.bound as BoundMethod;
const trainShare = Number(values.train);
const historyShare = Number(values.history);
if (!(trainShare > 0 && historyShare > 0 && trainShare + historyShare < 1)) {
  throw new Error("--train and --history are shares in (0, 1) that leave some fresh proposals");
}
if (bound !== "wilson" && bound !== "clopper_pearson")
  throw new Error("--bound is wilson or clopper_pearson");

/** The agent's own numbers, as it would send them in `signals.agent`. */
function agentSignals(p: IntentPrediction, neighbours: NeighbourEvidence): Record<string, number> {
  return {
    "agent.margin": p.margin,
    "agent.runnerUp": p.runnerUp,
    "agent.tokens": p.tokens,
    "agent.unseenShare": p.unseenShare,
    "agent.neighbourSimilarity": neighbours.bestSimilarity,
    "agent.neighbourAgreement": neighbours.agreement,
  };
}

/** Share of `outcomes` at or above `threshold`, and the mean error among them. */
function applyThreshold(outcomes: readonly ScoredOutcome[], threshold: number | null) {
  const auto = threshold === null ? [] : outcomes.filter((o) => o.confidence >= threshold);
  const error = auto.length === 0 ? 0 : auto.reduce((sum, o) => sum + (1 - o.label), 0) / auto.length;
  return { automation: auto.length / outcomes.length, error };
}

/**
 * The most any threshold could automate on `outcomes` while keeping their realised error at or under
 * the target: chosen with hindsight on the very proposals it is measured on, an upper bound for
 * thresholding this confidence.
 */
function bestThresholdInHindsight(outcomes: readonly ScoredOutcome[]): number {
  const sorted = [...outcomes].sort((a, b) => b.confidence - a.confidence);
  let best = 0;
  let errors = 0;
  for (let i = 0; i < sorted.length; i++) {
    errors += 1 - sorted[i]!.label;
    if (i + 1 < sorted.length && sorted[i + 1]!.confidence === sorted[i]!.confidence) continue;
    if (errors / (i + 1) <= target) best = (i + 1) / sorted.length;
  }
  return best;
}

const queries = loadBanking77();
const rows: Record<string, string | number>[] = [];
const totals: Record<string, number[]> = {};
const keep = (key: string, value: number) => {
  totals[key] ??= [];
  totals[key].push(value);
};
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const num = (x: number) => x.toFixed(4);

for (let seed = firstSeed; seed < firstSeed + seedCount; seed++) {
  const [train, history, fresh] = seededSplit(queries, seed, [
    trainShare,
    historyShare,
    1 - trainShare - historyShare,
  ]) as [typeof queries, typeof queries, typeof queries];
  const classifier = trainNaiveBayes(train);
  const index = indexQueries(train);
  const asSamples = (split: typeof queries): CalibrationSample[] =>
    split.map((query) => {
      const prediction = classifier.predict(query.text);
      return {
        agentConfidence: prediction.confidence,
        signals: agentSignals(prediction, index.evidenceFor(query.text, prediction.category)),
        label: prediction.category === query.category ? 1 : 0,
      };
    });
  const reviewed = asSamples(history);
  const upcoming = asSamples(fresh);
  const fittedAt = new Date(0).toISOString();
  const withSignals = fitCalibrationMap({
    agent: "nb",
    actionType: "support.intent",
    samples: reviewed,
    fittedAt,
  });
  const confidenceOnly = fitCalibrationMap({
    agent: "nb",
    actionType: "support.intent",
    samples: reviewed.map((s) => ({ ...s, signals: {} })),
    fittedAt,
  });

  const score = (split: CalibrationSample[], how: "raw" | "confidence" | "signals"): ScoredOutcome[] =>
    split.map((s) => ({
      confidence:
        how === "raw"
          ? s.agentConfidence
          : calibratedConfidence(how === "signals" ? withSignals : confidenceOnly, s),
      label: s.label,
    }));
  const freshRaw = score(upcoming, "raw");
  const freshConfidence = score(upcoming, "confidence");
  const freshSignals = score(upcoming, "signals");

  const rawRecommendation = recommendThreshold(score(reviewed, "raw"), { targetErrorRate: target, bound });
  // Scored out of fold: a map judged on the proposals it was fitted on would flatter itself.
  const calibratedRecommendation = recommendThreshold(crossFittedConfidences(reviewed), {
    targetErrorRate: target,
    bound,
  });
  const rawApplied = applyThreshold(freshRaw, rawRecommendation?.threshold ?? null);
  const calibratedApplied = applyThreshold(freshSignals, calibratedRecommendation?.threshold ?? null);
  const accuracy = upcoming.reduce((sum, s) => sum + s.label, 0) / upcoming.length;
  const measures: Record<string, number> = {
    accuracy,
    eceRaw: expectedCalibrationError(freshRaw),
    eceConfidence: expectedCalibrationError(freshConfidence),
    eceSignals: expectedCalibrationError(freshSignals),
    brierRaw: brierScore(freshRaw),
    brierSignals: brierScore(freshSignals),
    rawHindsight: bestThresholdInHindsight(freshRaw),
    calibratedHindsight: bestThresholdInHindsight(freshSignals),
    rawRecommended: rawApplied.automation,
    rawRecommendedError: rawApplied.error,
    calibratedRecommended: calibratedApplied.automation,
    calibratedRecommendedError: calibratedApplied.error,
  };
  for (const [key, value] of Object.entries(measures)) keep(key, value);
  rows.push(row(String(seed), measures, withSignals.method));
}

function row(label: string, m: Record<string, number>, method: string): Record<string, string | number> {
  return {
    seed: label,
    "agent accuracy": pct(m.accuracy!),
    "ECE raw": num(m.eceRaw!),
    "ECE cal. (conf.)": num(m.eceConfidence!),
    "ECE cal. (conf.+signals)": num(m.eceSignals!),
    "Brier raw": num(m.brierRaw!),
    "Brier cal.": num(m.brierSignals!),
    [`auto @${pct(target)}: raw, best in hindsight`]: pct(m.rawHindsight!),
    "raw, recommended (error)": `${pct(m.rawRecommended!)} (${pct(m.rawRecommendedError!)})`,
    "calibrated, recommended (error)": `${pct(m.calibratedRecommended!)} (${pct(m.calibratedRecommendedError!)})`,
    "calibrated, best in hindsight": pct(m.calibratedHindsight!),
    method,
  };
}

const mean = Object.fromEntries(
  Object.entries(totals).map(([key, list]) => [key, list.reduce((a, b) => a + b, 0) / list.length]),
);
rows.push(row("mean", mean, "—"));
console.log(
  `Banking77: ${queries.length} queries, 77 intents; per seed ${pct(trainShare)} train / ${pct(historyShare)} reviewed history / ${pct(1 - trainShare - historyShare)} fresh.`,
);
console.log(`Target error ${pct(target)}, ${bound} upper bound at 95%; ECE over 10 equal-width bins.\n`);
console.log(table(rows));
console.log(
  `\nnpm run bench:calibration -- --seed ${firstSeed} --seeds ${seedCount} --target ${target} --bound ${bound} --train ${trainShare} --history ${historyShare}`,
);
