import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, startTestServer, type TestServer } from "./test-server.ts";

const refund = (amount: number) => ({
  action: { type: "billing.refund", payload: { amount, currency: "EUR", customerId: `c_${amount}` } },
  summary: `Refund ${amount} EUR`,
  signals: { agentConfidence: 0.6 },
});

const reply = (n: number) => ({
  action: {
    type: "support.reply",
    payload: { to: "anna@example.com", body: `Your card arrives soon (${n}).` },
  },
  request: { text: "Where is my card?" },
  evidence: [{ source: "kb", id: "kb-1", snippet: "Cards arrive within 5 working days." }],
  signals: { agentConfidence: 0.6 },
});

describe.each(engines())("claim-next on %s", (engine) => {
  let t: TestServer;
  let agent: string;
  let owner: string;

  beforeAll(async () => {
    t = await startTestServer(engine);
    agent = await t.key("support-bot", "agent");
    owner = await t.key("olivia", "owner");
  });
  afterAll(async () => t.close());

  /** Proposes `count` support replies; their review ids in due order (they share one SLA). */
  async function supportReviews(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const created = await t.call("POST", "/v1/proposals", { key: agent, body: reply(i) });
      expect(created.status).toBe(201);
      ids.push(created.body.review.id);
    }
    return ids;
  }

  /** Releases or decides whatever is left in the support queue, so each test starts from an empty one. */
  async function clearSupport(): Promise<void> {
    for (;;) {
      const next = await t.call("POST", "/v1/reviews/claim-next", { key: owner, body: { queue: "support" } });
      if (next.body.review === null) return;
      await t.call("POST", `/v1/reviews/${next.body.review.id}/decisions`, {
        key: owner,
        body: { verdict: "reject", category: "cleanup" },
      });
    }
  }

  it("takes the queue in order and answers each review with the packet the reviewer is shown", async () => {
    const anna = await t.key(`anna-${engine}-1`, "reviewer");
    const ids = await supportReviews(3);
    const first = await t.call("POST", "/v1/reviews/claim-next", { key: anna, body: { queue: "support" } });
    expect(first.status).toBe(200);
    expect(first.body.review.id).toBe(ids[0]);
    expect(first.body.review.claim.by.name).toBe(`anna-${engine}-1`);
    expect(first.body.proposal.id).toBe(first.body.review.proposalId);
    const packet = await t.call("GET", `/v1/proposals/${first.body.proposal.id}`, { key: anna });
    expect(first.body.proposal.packetHash).toBe(packet.body.packetHash);

    // Still held: "next" gives it back (and renews the lease) until it is decided or released.
    const again = await t.call("POST", "/v1/reviews/claim-next", { key: anna, body: { queue: "support" } });
    expect(again.body.review.id).toBe(ids[0]);
    const approved = await t.call("POST", `/v1/reviews/${ids[0]}/decisions`, {
      key: anna,
      body: { verdict: "approve", packetHash: first.body.proposal.packetHash },
    });
    expect(approved.status).toBe(201);
    const second = await t.call("POST", "/v1/reviews/claim-next", { key: anna, body: { queue: "support" } });
    expect(second.body.review.id).toBe(ids[1]);
    await clearSupport();
  });

  it("skips reviews someone else holds, and gives concurrent reviewers different reviews", async () => {
    const ids = await supportReviews(6);
    const ben = await t.key(`ben-${engine}`, "reviewer");
    const held = await t.call("POST", `/v1/reviews/${ids[0]}/claim`, { key: ben });
    expect(held.status).toBe(200);

    const reviewers = await Promise.all([1, 2, 3, 4, 5].map((i) => t.key(`r${i}-${engine}`, "reviewer")));
    const answers = await Promise.all(
      reviewers.map((key) => t.call("POST", "/v1/reviews/claim-next", { key, body: { queue: "support" } })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const taken = answers.map((a) => a.body.review.id);
    expect(new Set(taken).size).toBe(5);
    expect(taken.sort()).toEqual(ids.slice(1).sort());
    // Everything is held now: nothing to take.
    const none = await t.call("POST", "/v1/reviews/claim-next", { key: owner, body: { queue: "support" } });
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ review: null, proposal: null });
    for (const [i, key] of [ben, ...reviewers].entries()) {
      await t.call("POST", `/v1/reviews/${i === 0 ? ids[0] : taken[i - 1]}/release`, { key });
    }
    await clearSupport();
  });

  it("does not give an approver of a two-approval review that review again", async () => {
    const created = await t.call("POST", "/v1/proposals", { key: agent, body: refund(500) });
    const reviewId = created.body.review.id;
    const cara = await t.key(`cara-${engine}`, "reviewer");
    const dan = await t.key(`dan-${engine}`, "reviewer");
    const mine = await t.call("POST", "/v1/reviews/claim-next", { key: cara, body: { queue: "billing" } });
    expect(mine.body.review.id).toBe(reviewId);
    const first = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: cara,
      body: { verdict: "approve" },
    });
    expect(first.status).toBe(201);
    const caraNext = await t.call("POST", "/v1/reviews/claim-next", {
      key: cara,
      body: { queue: "billing" },
    });
    expect(caraNext.body.review).toBeNull();
    const danNext = await t.call("POST", "/v1/reviews/claim-next", { key: dan, body: { queue: "billing" } });
    expect(danNext.body.review.id).toBe(reviewId);
    expect(danNext.body.review.approvalsGiven).toBe(1);
  });

  it("refuses agents, auditors, unknown fields and a lease out of range with what to do", async () => {
    const auditor = await t.key(`audrey-${engine}`, "auditor");
    const byAgent = await t.call("POST", "/v1/reviews/claim-next", { key: agent, body: {} });
    expect(byAgent.status).toBe(403);
    expect(byAgent.body.error.code).toBe("agents_cannot_decide");
    const byAuditor = await t.call("POST", "/v1/reviews/claim-next", { key: auditor, body: {} });
    expect(byAuditor.status).toBe(403);
    const short = await t.call("POST", "/v1/reviews/claim-next", { key: owner, body: { leaseSeconds: 5 } });
    expect(short.status).toBe(400);
    expect(short.body.error.details.issues[0].path).toBe("leaseSeconds");
    const unknown = await t.call("POST", "/v1/reviews/claim-next", { key: owner, body: { queues: ["x"] } });
    expect(unknown.status).toBe(400);
    const noBody = await t.call("POST", "/v1/reviews/claim-next", { key: owner });
    expect(noBody.status).toBe(200);
  });

  it("answers a queue the policy does not name with 404 and its queues, and an empty known queue with null", async () => {
    const typo = await t.call("POST", "/v1/reviews/claim-next", { key: owner, body: { queue: "suport" } });
    expect(typo.status).toBe(404);
    expect(typo.body.error.code).toBe("unknown_queue");
    expect(typo.body.error.details.queues).toContain("support");
    expect(typo.body.error.message).toMatch(/No queue "suport" in the policy .*: its queues are .*support/);
    const listed = await t.call("GET", "/v1/reviews?queue=suport", { key: owner });
    expect(listed.status).toBe(404);
    expect(listed.body.error.code).toBe("unknown_queue");
    const empty = await t.call("POST", "/v1/reviews/claim-next", { key: owner, body: { queue: "billing" } });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ review: null, proposal: null });
  });
});
