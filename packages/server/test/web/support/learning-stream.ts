/**
 * A synthetic, reproducible stream of reviewed proposals for the owner dashboards' browser tests and
 * screenshots: an over-confident reply agent (it says 0.6–1.0 but is right with probability
 * ((c − 0.6) / 0.3)², always from 0.9) reviewed by one person over real HTTP, plus a few refunds.
 */

import { seededRandom } from "../../../../core/test/support/seeded-random.ts";

const trueApproval = (confidence: number) => Math.min(1, ((confidence - 0.6) / 0.3) ** 2);

/** What the stream did, to compare with what the app shows. */
export interface StreamTally {
  proposed: number;
  approved: number;
  edited: number;
  rejected: number;
  auto: number;
}

async function post(url: string, key: string, body: unknown): Promise<any> {
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/**
 * Proposes `count` replies as the agent and decides each one routed to review as the reviewer would:
 * approve with the agent's true probability, otherwise reject (every fifth: edit the address instead).
 * Twelve at a time: `before(batch, "propose" | "decide")` runs before each half, e.g. to move a clock.
 */
export async function reviewReplies(
  baseUrl: string,
  keys: { agent: string; reviewer: string },
  options: {
    count: number;
    seed: number;
    before?: (batch: number, step: "propose" | "decide") => void;
  },
): Promise<StreamTally> {
  const rng = seededRandom(options.seed);
  const tally: StreamTally = { proposed: 0, approved: 0, edited: 0, rejected: 0, auto: 0 };
  for (let start = 0, batch = 0; start < options.count; start += 12, batch++) {
    // The approval draws are made in order, before the concurrent requests, so every run is the same.
    const items = Array.from({ length: Math.min(12, options.count - start) }, (_, j) => {
      const i = start + j;
      const raw = Math.round((0.6 + (0.399 * ((i * 97) % 240)) / 240) * 1000) / 1000;
      const payload = {
        to: `customer${i}@example.com`,
        body: `Hello ${i}, your card arrives within five days.`,
      };
      return { i, raw, payload, approved: rng() < trueApproval(raw) };
    });
    options.before?.(batch, "propose");
    const proposals = await Promise.all(
      items.map((item) =>
        post(`${baseUrl}/v1/proposals`, keys.agent, {
          action: { type: "support.reply", payload: item.payload },
          summary: `Reply to customer ${item.i}`,
          evidence: [{ source: "kb", id: "kb-1", snippet: "Cards arrive within five working days." }],
          signals: { agentConfidence: item.raw },
        }),
      ),
    );
    tally.proposed += items.length;
    options.before?.(batch, "decide");
    await Promise.all(
      items.map(async ({ i, payload, approved }, j) => {
        const proposal = proposals[j];
        if (proposal.route.verdict === "auto") {
          tally.auto++;
          return;
        }
        const edit = !approved && i % 5 === 0;
        const decision = approved
          ? { verdict: "approve" }
          : edit
            ? { verdict: "edit", payload: { ...payload, to: `fixed${i}@example.com` } }
            : { verdict: "reject", category: "wrong_tone" };
        await post(`${baseUrl}/v1/reviews/${proposal.review.id}/decisions`, keys.reviewer, decision);
        if (approved) tally.approved++;
        else if (edit) tally.edited++;
        else tally.rejected++;
      }),
    );
  }
  return tally;
}

/** A refund proposal for `amount` EUR. */
export function refund(amount: number, customerId: string) {
  return {
    action: { type: "billing.refund", payload: { amount, currency: "EUR", customerId } },
    request: { text: "I was charged twice", channel: "email" },
    summary: `Refund ${amount} EUR to ${customerId}`,
    evidence: [
      { source: "billing", id: `tx-${customerId}`, snippet: "Two charges of the same amount", score: 0.9 },
    ],
    signals: { agentConfidence: 0.9 },
  };
}

/** Proposes refunds and decides them in order: `verdicts[i]` for the i-th, none past the end. */
export async function reviewRefunds(
  baseUrl: string,
  keys: { agent: string; reviewer: string },
  amounts: number[],
  verdicts: ("approve" | "reject")[],
): Promise<void> {
  for (const [i, amount] of amounts.entries()) {
    const proposal = await post(`${baseUrl}/v1/proposals`, keys.agent, refund(amount, `c_${i}`));
    const verdict = verdicts[i];
    if (verdict === undefined) continue;
    await post(
      `${baseUrl}/v1/reviews/${proposal.review.id}/decisions`,
      keys.reviewer,
      verdict === "reject" ? { verdict, category: "wrong_amount" } : { verdict },
    );
  }
}
