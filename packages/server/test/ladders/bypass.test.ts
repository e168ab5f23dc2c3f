import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/http/start-server.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";
import { apiKey, call, policyFile, startReplica, TestClock } from "./support/ladder-harness.ts";

const POLICY = `version: 1
actions:
  billing.refund:
    reversible: compensate
    payload:
      type: object
      required: [amount, customerId]
      properties: { amount: { type: number }, customerId: { type: string }, note: { type: string } }
    review: { queue: billing }
    bypass: { window: 24h, entity: payload.customerId }
rules:
  - id: confident-small-refund
    when: "action.payload.amount < 150 && agentConfidence != null && agentConfidence >= 0.9"
    route: auto
  - id: large-refund
    when: "action.payload.amount >= 250"
    route: escalate
    queue: billing-leads
`;

describe.each(storeEngines())("bypass resistance: %s", (engine) => {
  let db: TestStore;
  let clock: TestClock;
  let server: RunningServer;
  let policy: Awaited<ReturnType<typeof policyFile>>;
  let agent: string;
  let otherAgent: string;
  let reviewer: string;

  beforeEach(async () => {
    db = await createTestStore(engine);
    clock = new TestClock();
    policy = await policyFile(POLICY);
    server = await startReplica(db.store, { clock, policy: policy.path });
    agent = await apiKey(db.store, "refund-bot", "agent");
    otherAgent = await apiKey(db.store, "other-bot", "agent");
    reviewer = await apiKey(db.store, "rita", "reviewer");
  });
  afterEach(async () => {
    await server.close();
    await policy.remove();
    await db.cleanup();
  });

  const refund = (key: string, payload: Record<string, unknown>, agentConfidence: number) =>
    call(server.url, "POST", "/v1/proposals", key, {
      action: { type: "billing.refund", payload },
      signals: { agentConfidence },
    });

  it("links and flags a near-repeat of a rejected refund and never routes it auto", async () => {
    const note = "Refund the duplicate charge on order 5512 for the customer";
    const first = await refund(agent, { amount: 120, customerId: "c_1", note }, 0.5);
    expect(first.body.route.verdict).toBe("review");
    const rejected = await call(
      server.url,
      "POST",
      `/v1/reviews/${first.body.review.id}/decisions`,
      reviewer,
      {
        verdict: "reject",
        comment: "Not a duplicate",
      },
    );
    expect(rejected.status).toBe(201);

    // Confident enough to run unattended, were it not a near-repeat.
    const again = await refund(agent, { amount: 118, customerId: "c_1", note: `${note}!` }, 0.95);
    expect(again.status).toBe(201);
    expect(again.body.status).toBe("pending_review");
    expect(again.body.route.verdict).toBe("review");
    expect(again.body.route.reasons).toContainEqual({
      rule: "bypass.repeat-of-rejected",
      route: "review",
      message: expect.stringContaining(first.body.id),
      proposalId: first.body.id,
    });
    expect(again.body.signals.bypass).toBe(true);
    expect(again.body.linkedTo).toEqual([first.body.id]);
    expect((await db.store.proposal(again.body.id))?.doc.linkedTo).toEqual([first.body.id]);
    const routed = await db.store.listAudit({ proposalId: again.body.id, type: "proposal.routed" }, 10);
    expect(JSON.stringify(routed.items[0]!.data.route)).toContain("bypass.repeat-of-rejected");

    // Unrelated proposals are not flagged: another customer, another agent.
    const unrelated = await refund(
      agent,
      { amount: 118, customerId: "c_2", note: "Refund the late delivery fee on order 7781" },
      0.95,
    );
    expect(unrelated.body.status).toBe("auto_approved");
    expect(unrelated.body.signals.bypass).toBe(false);
    expect(unrelated.body.linkedTo).toBeUndefined();
    // A repeat is the same agent's: another agent's identical refund is not linked.
    const otherBot = await refund(otherAgent, { amount: 120, customerId: "c_1", note }, 0.95);
    expect(otherBot.body.status).toBe("auto_approved");
    expect(otherBot.body.signals.bypass).toBe(false);

    // Past the 24h window the rejection no longer counts.
    clock.advance(25 * 3_600_000);
    const later = await refund(agent, { amount: 119, customerId: "c_1", note }, 0.95);
    expect(later.body.status).toBe("auto_approved");
    expect(later.body.signals.bypass).toBe(false);
  });

  it("detects a refused amount split into smaller refunds for the same customer", async () => {
    const large = await refund(agent, { amount: 300, customerId: "c_3" }, 0.95);
    expect(large.body.route.verdict).toBe("escalate");

    const first = await refund(agent, { amount: 100, customerId: "c_3" }, 0.95);
    const second = await refund(agent, { amount: 100, customerId: "c_3" }, 0.95);
    expect([first.body.status, second.body.status]).toEqual(["auto_approved", "auto_approved"]);

    const third = await refund(agent, { amount: 100, customerId: "c_3" }, 0.95);
    expect(third.body.status).toBe("pending_review");
    expect(third.body.route.reasons).toContainEqual({
      rule: "bypass.split-amount",
      route: "review",
      message: expect.stringMatching(/adds up to 300.*refused or escalated amount 300/),
      proposalId: large.body.id,
    });
    expect(third.body.linkedTo).toEqual([large.body.id]);

    // The same amounts for another customer are not a split.
    const elsewhere = await refund(agent, { amount: 100, customerId: "c_4" }, 0.95);
    expect(elsewhere.body.status).toBe("auto_approved");
  });

  it("does not count the escalated amount once it was approved", async () => {
    const large = await refund(agent, { amount: 300, customerId: "c_5" }, 0.95);
    const approved = await call(
      server.url,
      "POST",
      `/v1/reviews/${large.body.review.id}/decisions`,
      reviewer,
      {
        verdict: "approve",
      },
    );
    expect(approved.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      const small = await refund(agent, { amount: 100, customerId: "c_5" }, 0.95);
      expect(small.body.status).toBe("auto_approved");
    }
  });
});
