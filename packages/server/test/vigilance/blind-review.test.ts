import { Proposal, VigilanceReport } from "@loopgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines } from "../http/test-server.ts";
import { realReply, startVigilanceRig, type VigilanceRig } from "./support.ts";

const refund = (amount: number) => ({
  action: { type: "billing.refund", payload: { amount } },
  request: { text: "I was charged twice", channel: "email" },
  summary: `Refund ${amount} EUR`,
  evidence: [
    { source: "ledger", id: "tx-9", snippet: "Two charges of the same amount on one day", score: 0.9 },
  ],
  signals: { agentConfidence: 0.95 },
});

/**
 * Blind review over real HTTP (`queues.billing.blindReview: true`): the API withholds the agent's
 * recommendation from a reviewer until they record a first judgement, then shows all of it.
 */
describe.each(engines())("blind review on %s", (engine) => {
  let rig: VigilanceRig;

  beforeAll(async () => {
    rig = await startVigilanceRig(engine, 0);
  });
  afterAll(async () => rig.close());

  it("withholds confidence, agentConfidence and confidence reasons until the first judgement, then reveals them", async () => {
    const proposal = await rig.propose(refund(150));
    expect(proposal.review.queue).toBe("billing");
    // The agent always sees its own proposal whole.
    expect(proposal.confidence.raw).toBe(0.95);

    const before = Proposal.parse(
      (await rig.t.call("GET", `/v1/proposals/${proposal.id}`, { key: rig.rita })).body,
    );
    expect(before.confidence).toEqual({ calibrated: null, raw: null, calibration: null });
    expect(before.signals.agentConfidence).toBeNull();
    expect(before.route.reasons.map((r) => r.rule).sort()).toEqual(["large-refund", "withheld"]);
    expect(JSON.stringify(before)).not.toMatch(/0\.95|confident/);
    expect(before.blindReview).toMatchObject({
      reviewId: proposal.review.id,
      judgementRequired: true,
      judgement: null,
    });
    expect(before.blindReview?.withheld).toContain("confidence");

    const judged = await rig.t.call("POST", `/v1/reviews/${proposal.review.id}/judgement`, {
      key: rig.rita,
      body: { verdict: "reject", comment: "Looks like a single charge" },
    });
    expect(judged.status).toBe(200);
    expect(judged.body.judgement).toMatchObject({ verdict: "reject", comment: "Looks like a single charge" });

    const after = Proposal.parse(
      (await rig.t.call("GET", `/v1/proposals/${proposal.id}`, { key: rig.rita })).body,
    );
    expect(after.confidence.raw).toBe(0.95);
    expect(after.signals.agentConfidence).toBe(0.95);
    expect(after.route.reasons.map((r) => r.rule).sort()).toEqual(["confident-refund", "large-refund"]);
    expect(after.blindReview).toMatchObject({
      judgementRequired: false,
      withheld: [],
      judgement: { verdict: "reject" },
    });

    // Another reviewer has not judged: the recommendation is still withheld from them.
    const sam = (await rig.t.call("GET", `/v1/proposals/${proposal.id}`, { key: rig.sam })).body;
    expect(sam.confidence.raw).toBeNull();
    // Auditors cannot decide: they read the whole record.
    const auditor = (await rig.t.call("GET", `/v1/proposals/${proposal.id}`, { key: rig.auditor })).body;
    expect(auditor.confidence.raw).toBe(0.95);
    expect(auditor.blindReview).toBeUndefined();

    // Having seen the recommendation, rita approves: she changed her mind.
    await rig.decide(rig.rita, proposal.review.id, { verdict: "approve" });
    const report = VigilanceReport.parse((await rig.t.call("GET", "/v1/vigilance", { key: rig.owner })).body);
    const rita = report.items.find((i) => i.reviewer.name === "rita")!;
    expect(rita.blind).toEqual({ judged: 1, changedMind: 1, changedMindRate: 1 });

    const audit = await rig.t.call("GET", `/v1/audit?proposalId=${proposal.id}`, { key: rig.owner });
    const types = audit.body.items.map((e: { type: string }) => e.type);
    expect(types).toContain("review.judged");
    const decided = audit.body.items.find((e: { type: string }) => e.type === "decision.recorded");
    expect(decided.data.judgement).toBe("reject");
  });

  it("withholds the same from a packet taken with claim-next, which records the first opening with its claim", async () => {
    const proposal = await rig.propose(refund(170));
    const next = async () =>
      (await rig.t.call("POST", "/v1/reviews/claim-next", { key: rig.rita, body: { queue: "billing" } }))
        .body;

    const taken = await next();
    expect(taken.review.id).toBe(proposal.review.id);
    const packet = Proposal.parse(taken.proposal);
    expect(packet.confidence.raw).toBeNull();
    expect(packet.blindReview).toMatchObject({ reviewId: proposal.review.id, judgementRequired: true });
    expect(taken.review.claim.by.name).toBe("rita");
    const read = (await rig.t.call("GET", `/v1/proposals/${proposal.id}`, { key: rig.rita })).body;
    expect(read.packetHash).toBe(packet.packetHash);
    expect(read.reviews).toEqual(packet.reviews);

    await rig.t.call("POST", `/v1/reviews/${proposal.review.id}/judgement`, {
      key: rig.rita,
      body: { verdict: "approve" },
    });
    // Taken again (the claim renewed): the judgement recorded earlier reveals the recommendation.
    const again = Proposal.parse((await next()).proposal);
    expect(again.confidence.raw).toBe(0.95);
    expect(again.blindReview).toMatchObject({ judgementRequired: false, judgement: { verdict: "approve" } });

    await rig.decide(rig.rita, proposal.review.id, { verdict: "approve" });
    const audit = await rig.t.call("GET", `/v1/audit?proposalId=${proposal.id}`, { key: rig.owner });
    const decided = audit.body.items.find((e: { type: string }) => e.type === "decision.recorded");
    // The dwell counts from the first opening, which claim-next wrote.
    expect(decided.data.dwellMs).toBeGreaterThanOrEqual(0);
  });

  it("records one judgement per reviewer, only on an open blind review", async () => {
    const proposal = await rig.propose(refund(300));
    const url = `/v1/reviews/${proposal.review.id}/judgement`;
    expect((await rig.t.call("POST", url, { key: rig.sam, body: { verdict: "approve" } })).status).toBe(200);
    const again = await rig.t.call("POST", url, { key: rig.sam, body: { verdict: "reject" } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("judgement_already_recorded");
    const bad = await rig.t.call("POST", url, { key: rig.rita, body: { verdict: "maybe" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe("verdict");
    const byAgent = await rig.t.call("POST", url, { key: rig.agent, body: { verdict: "approve" } });
    expect(byAgent.status).toBe(403);

    const reply = await rig.propose(realReply(1));
    const notBlind = await rig.t.call("POST", `/v1/reviews/${reply.review.id}/judgement`, {
      key: rig.rita,
      body: { verdict: "approve" },
    });
    expect(notBlind.status).toBe(422);
    expect(notBlind.body.error.code).toBe("not_a_blind_review");
    // A queue that is not blind shows everything at once, with no blind-review block.
    const open = (await rig.t.call("GET", `/v1/proposals/${reply.id}`, { key: rig.rita })).body;
    expect(open.confidence.raw).toBe(0.88);
    expect(open.blindReview).toBeUndefined();

    await rig.decide(rig.sam, proposal.review.id, { verdict: "approve" });
    const closed = await rig.t.call("POST", url, { key: rig.rita, body: { verdict: "approve" } });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe("review_closed");
  });
});
