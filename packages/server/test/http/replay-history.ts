import { readFileSync } from "node:fs";
import { payloadEditDistance } from "@loopgate/core";
import { expect } from "vitest";
import { POLICY, type TestServer } from "./test-server.ts";

/** The test policy plus one rule that runs confident replies unattended: a candidate that automates more. */
export const AUTOMATING_CANDIDATE = `${readFileSync(POLICY, "utf8").trimEnd()}
  - id: confident-reply
    when: action.type == "support.reply" && agentConfidence >= 0.8
    route: auto
`;

/** The test policy plus a rule on `thresholds.auto`, to try candidate thresholds with. */
export const THRESHOLD_CANDIDATE = `${readFileSync(POLICY, "utf8").trimEnd()}
  - id: over-threshold
    when: confidence >= thresholds.auto
    route: auto
`;

/** Replies different enough that none is a near-repeat of the rejected one (bypass resistance). */
const BODIES = [
  "Your new card arrives within five working days.",
  "We have refunded the duplicate charge to your account.",
  "Your parcel left our warehouse this morning.",
  "The password reset link is valid for one hour.",
  "Our shop opens at nine on Saturdays.",
];
const payloadOf = (i: number) => ({ to: `customer-${i}`, body: BODIES[i]! });
const PROPOSED = payloadOf(2);
export const EDITED = { ...PROPOSED, body: "Your parcel left our warehouse this morning, by courier." };

/** The label of the edited reply (SPEC §5: 1 − normalised edit distance), for hand-computed expectations. */
export const EDIT_LABEL = 1 - payloadEditDistance(PROPOSED, EDITED);

const reply = (i: number, agentConfidence: number) => ({
  action: { type: "support.reply", payload: payloadOf(i) },
  evidence: [{ source: "kb", id: "kb-1", snippet: "Cards arrive within five working days." }],
  signals: { agentConfidence },
});
const refund = (amount: number) => ({
  action: { type: "billing.refund", payload: { amount, currency: "EUR", customerId: "c_1" } },
  signals: { agentConfidence: 0.95 },
});

/**
 * Drives real proposals and decisions through the API: five replies, all routed to review (confidence
 * 0.9 approved, 0.85 rejected, 0.95 edited, 0.9 left pending, 0.5 approved) and two refunds (10: auto,
 * 50: review, left pending). Returns the keys used.
 */
export async function recordHistory(
  t: TestServer,
): Promise<{ owner: string; auditor: string; reviewer: string }> {
  const agent = await t.key("support-bot", "agent");
  const anna = await t.key("anna", "reviewer");
  const ben = await t.key("ben", "reviewer");
  const owner = await t.key("olivia", "owner");
  const auditor = await t.key("audrey", "auditor");
  const propose = async (body: unknown, route: string) => {
    const res = await t.call("POST", "/v1/proposals", { key: agent, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.route.verdict).toBe(route);
    return res.body;
  };
  const decide = async (key: string, proposal: { review: { id: string } }, body: unknown) => {
    const res = await t.call("POST", `/v1/reviews/${proposal.review.id}/decisions`, { key, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  await decide(anna, await propose(reply(0, 0.9), "review"), { verdict: "approve" });
  await decide(ben, await propose(reply(1, 0.85), "review"), {
    verdict: "reject",
    category: "wrong_facts",
    comment: "The card was sent last week",
  });
  await decide(anna, await propose(reply(2, 0.95), "review"), {
    verdict: "edit",
    payload: EDITED,
    category: "incomplete",
  });
  await propose(reply(3, 0.9), "review");
  await decide(ben, await propose(reply(4, 0.5), "review"), { verdict: "approve" });
  await propose(refund(10), "auto");
  await propose(refund(50), "review");
  return { owner, auditor, reviewer: anna };
}
