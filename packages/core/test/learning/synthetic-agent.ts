import type { CalibrationSample } from "../../src/learning/calibration-map.ts";
import { sigmoid } from "../../src/learning/logistic-regression.ts";
import { seededRandom } from "../support/seeded-random.ts";

export { seededRandom };

/** A synthetic proposal: what the agent says, and the probability a reviewer approves it unchanged. */
export interface SyntheticProposal extends CalibrationSample {
  trueProbability: number;
}

/**
 * An agent over-confident in a known way: it reports sigmoid(2·(z + 1)) where the truth is
 * sigmoid(z + 4·(grounding − 0.5)) — twice too sharp, shifted up, and blind to grounding, which the
 * proposal's signals carry. A failure is a rejection half the time and an edit (label 0.4–0.9) otherwise.
 */
export function overConfidentStream(seed: number, count: number): SyntheticProposal[] {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, () => {
    const z = 1 + 1.5 * normal();
    const grounding = random();
    const trueProbability = sigmoid(z + 4 * (grounding - 0.5));
    const agentConfidence = sigmoid(2 * (z + 1));
    let label = 1;
    if (random() >= trueProbability) label = random() < 0.5 ? 0 : 0.4 + 0.5 * random();
    return {
      agentConfidence,
      signals: { grounding, "pii.email": random() < 0.3 ? 1 : 0 },
      label,
      trueProbability,
    };
  });
}
