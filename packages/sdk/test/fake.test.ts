// biome-ignore-all lint/suspicious/noThenProperty: the fake's rules are written `{ when, then }`, as documented.
import { describe, expect, expectTypeOf, it } from "vitest";
import { Loopgate } from "../src/client.ts";
import { ConflictError, NotFoundError, UnprocessableError } from "../src/errors.ts";
import { ActionExpiredError, NeedsInfoError } from "../src/gate-errors.ts";
import type { ListPage, ReviewListItem as ReviewListItemType } from "../src/index.ts";
import type { LoopgateClient } from "../src/loopgate-client.ts";
import { createFakeLoopgate } from "../src/testing/index.ts";
import { DecisionTimeoutError } from "../src/wait-errors.ts";
import { DecisionResult, listOf, Proposal, ReviewListItem } from "./support/wire.ts";

/** What the fake adds to the shared scenarios: rules by payload, delays, records, idempotency, reviews. */

describe("createFakeLoopgate", () => {
  const fake = () =>
    createFakeLoopgate({
      rules: [
        {
          when: { type: "billing.refund", payload: (p) => p.amount > 100 },
          then: { verdict: "edit", payload: (p) => ({ ...p, amount: 100 }), comment: "capped" },
        },
        { when: { type: "support.reply" }, then: { verdict: "approve", afterMs: 50 } },
        {
          when: { type: "account.delete" },
          then: { verdict: "block", message: "never deleted by an agent" },
        },
        {
          when: { type: "billing.chargeback" },
          then: { verdict: "reject", category: "fraud", comment: "no" },
        },
      ],
      default: { verdict: "approve" },
    });

  it("is a LoopgateClient, as the HTTP client is", () => {
    expectTypeOf(createFakeLoopgate()).toMatchTypeOf<LoopgateClient>();
    expectTypeOf(new Loopgate({ url: "http://localhost:1" })).toMatchTypeOf<LoopgateClient>();
  });

  it("edits by rule and runs with the edited payload", async () => {
    const lg = fake();
    const { result, proposal } = await lg.gate(
      { type: "billing.refund", payload: { amount: 250 } },
      (p) => p.amount,
    );
    expect(result).toBe(100);
    expect(Proposal.parse(proposal)).toMatchObject({
      status: "approved_with_edits",
      finalPayload: { amount: 100 },
    });
    expect(proposal.decisions[0]).toMatchObject({
      verdict: "edit",
      comment: "capped",
      payload: { amount: 100 },
    });
  });

  it("applies the default to what no rule matches", async () => {
    const lg = fake();
    const { proposal } = await lg.gate({ type: "billing.refund", payload: { amount: 20 } }, () => "ok");
    expect(proposal.status).toBe("approved");
    expect(proposal.route.reasons[0]?.rule).toBe("default");
  });

  it("delays a verdict by afterMs", async () => {
    const lg = fake();
    const proposal = await lg.propose({ action: { type: "support.reply", payload: { body: "Hi" } } });
    expect(proposal.status).toBe("pending_review");
    const started = Date.now();
    const decided = await lg.waitForDecision(proposal.id);
    expect(decided.status).toBe("approved");
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });

  it("records every proposal and reported result in the wire shapes", async () => {
    const lg = fake();
    await lg.gate({ type: "billing.refund", payload: { amount: 20 } }, () => ({ refundId: "rf_1" }));
    await lg.gate({ type: "account.delete", payload: { id: "c_1" } }, () => "never").catch(() => {});
    await lg.gate({ type: "billing.chargeback", payload: {} }, () => "never").catch(() => {});
    expect(lg.proposals.map((p) => Proposal.parse(p).status)).toEqual(["approved", "blocked", "rejected"]);
    expect(lg.proposals[1]?.route.reasons[0]?.message).toBe("never deleted by an agent");
    expect(lg.results).toEqual([
      {
        proposalId: lg.proposals[0]?.id,
        status: "succeeded",
        output: { refundId: "rf_1" },
        at: expect.any(String),
      },
    ]);
  });

  it("honours idempotency keys", async () => {
    const lg = fake();
    const input = { action: { type: "billing.refund", payload: { amount: 5 } } };
    const first = await lg.propose(input, { idempotencyKey: "k" });
    const again = await lg.propose(input, { idempotencyKey: "k" });
    expect(again.id).toBe(first.id);
    expect(lg.proposals).toHaveLength(1);
    await expect(
      lg.propose({ action: { type: "billing.refund", payload: { amount: 6 } } }, { idempotencyKey: "k" }),
    ).rejects.toBeInstanceOf(UnprocessableError);
  });

  it("asks for information on one revision and approves the next", async () => {
    const lg = createFakeLoopgate({
      rules: [{ when: { revision: 1 }, then: { verdict: "request_info", comment: "Which order?" } }],
    });
    const asked: string[] = [];
    const { proposal } = await lg.gate({ type: "billing.refund", payload: { amount: 5 } }, () => "done", {
      onNeedsInfo: (p) => {
        asked.push(p.decisions.at(-1)?.comment ?? "");
        return {
          message: "Order 4411",
          action: { type: "billing.refund", payload: { amount: 5, order: "4411" } },
        };
      },
    });
    expect(asked).toEqual(["Which order?"]);
    expect(proposal).toMatchObject({
      status: "approved",
      revision: 2,
      finalPayload: { amount: 5, order: "4411" },
    });
  });

  it("throws NeedsInfoError with the route's reason when the policy routes needs_info", async () => {
    const lg = createFakeLoopgate({ default: { verdict: "needs_info", message: "attach the invoice" } });
    const error = await lg.gate({ type: "billing.refund" }, () => "never").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeedsInfoError);
    expect((error as NeedsInfoError).question).toBe("attach the invoice");
  });

  it("asks only what the rules that chose needs_info ask, not the other matching rules", async () => {
    const lg = createFakeLoopgate({ default: { verdict: "needs_info", message: "attach the invoice" } });
    const proposal = await lg.propose({ action: { type: "billing.refund" } });
    proposal.route.reasons.push({
      rule: "small-refunds",
      route: "auto",
      message: "Small refunds run on their own",
    });
    expect(new NeedsInfoError(proposal).question).toBe("attach the invoice");
  });

  it("expires", async () => {
    const lg = createFakeLoopgate({ default: { verdict: "expire", afterMs: 10 } });
    await expect(lg.gate({ type: "billing.refund" }, () => "never")).rejects.toBeInstanceOf(
      ActionExpiredError,
    );
  });

  it("times out a wait on a review nobody decides", async () => {
    const lg = createFakeLoopgate({ default: { verdict: "review" } });
    const proposal = await lg.propose({ action: { type: "billing.refund" } });
    const error = await lg.waitForDecision(proposal.id, { timeoutMs: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecisionTimeoutError);
    expect((error as DecisionTimeoutError).proposal.status).toBe("pending_review");
  });

  it("lets a test decide by hand: escalate, then approve with a patch", async () => {
    const lg = createFakeLoopgate({ default: { verdict: "review" } });
    const proposal = await lg.propose({
      action: { type: "billing.refund", payload: { amount: 80, currency: "EUR" } },
    });
    const waiting = lg.waitForDecision(proposal.id);

    const [first] = listOf(ReviewListItem).parse(await lg.listReviews()).items;
    expect(first).toMatchObject({ proposalId: proposal.id, queue: "billing", level: 0, status: "pending" });
    DecisionResult.parse(await lg.decide(first!.id, { verdict: "escalate", comment: "above my limit" }));
    expect((await lg.getProposal(proposal.id)).status).toBe("escalated");

    const [second] = (await lg.listReviews({ status: "escalated" })).items;
    expect(second).toMatchObject({ level: 1 });
    await lg.decide(second!.id, { verdict: "edit", patch: { amount: 40 }, packetHash: proposal.packetHash });
    expect(Proposal.parse(await waiting)).toMatchObject({
      status: "approved_with_edits",
      finalPayload: { amount: 40, currency: "EUR" },
    });
    await expect(lg.decide(second!.id, { verdict: "reject" })).rejects.toBeInstanceOf(ConflictError);
  });

  it("refuses a decision on a stale packet", async () => {
    const lg = createFakeLoopgate({
      rules: [{ when: { revision: 1 }, then: { verdict: "request_info" } }],
      default: { verdict: "review" },
    });
    const proposal = await lg.propose({ action: { type: "billing.refund" } });
    await lg.provideInfo(proposal.id, { message: "more" });
    const [review] = (await lg.listReviews()).items;
    await expect(
      lg.decide(review!.id, { verdict: "approve", packetHash: proposal.packetHash }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it("claims the next review with its proposal, as the server's claim-next does", async () => {
    const lg = createFakeLoopgate({ default: { verdict: "review" } });
    const a = await lg.propose({ action: { type: "support.reply", payload: { i: 1 } } });
    await lg.propose({ action: { type: "billing.refund", payload: { amount: 5 } } });
    const next = await lg.claimNext({ queue: "support" });
    expect(next.review).toMatchObject({ proposalId: a.id, claim: { by: { id: "fake-reviewer" } } });
    expect(next.proposal?.id).toBe(a.id);
    await lg.decide(next.review!.id, { verdict: "approve" });
    expect(await lg.claimNext({ queue: "support" })).toEqual({ review: null, proposal: null });
  });

  it("says in the review list which reviews the caller approved, as the server does", async () => {
    expectTypeOf<Awaited<ReturnType<LoopgateClient["listReviews"]>>>().toEqualTypeOf<
      ListPage<ReviewListItemType>
    >();
    expectTypeOf<ReviewListItemType["approvedByCaller"]>().toEqualTypeOf<boolean>();
    const lg = createFakeLoopgate({ default: { verdict: "review" } });
    const approved = await lg.propose({ action: { type: "support.reply", payload: { i: 1 } } });
    const waiting = await lg.propose({ action: { type: "support.reply", payload: { i: 2 } } });
    const [first] = (await lg.listReviews()).items;
    expect(first).toMatchObject({ proposalId: approved.id, approvedByCaller: false });
    await lg.decide(first!.id, { verdict: "approve" });
    const open = listOf(ReviewListItem).parse(await lg.listReviews());
    expect(open.items.map((r) => [r.proposalId, r.approvedByCaller])).toEqual([[waiting.id, false]]);
    const decided = listOf(ReviewListItem).parse(await lg.listReviews({ status: "decided" }));
    expect(decided.items.map((r) => [r.proposalId, r.approvedByCaller])).toEqual([[approved.id, true]]);
  });

  it("pages the review queue", async () => {
    const lg = createFakeLoopgate({ default: { verdict: "review" } });
    for (let i = 0; i < 3; i++) await lg.propose({ action: { type: "support.reply", payload: { i } } });
    const page1 = await lg.listReviews({ limit: 2 });
    const page2 = await lg.listReviews({ limit: 2, cursor: page1.nextCursor ?? undefined });
    expect(page1.items).toHaveLength(2);
    expect(page2).toMatchObject({ nextCursor: null });
    expect(page2.items).toHaveLength(1);
  });

  it("answers unknown ids and double reports with typed errors", async () => {
    const lg = fake();
    await expect(lg.getProposal("p_404")).rejects.toBeInstanceOf(NotFoundError);
    const { proposal } = await lg.gate({ type: "billing.refund", payload: { amount: 1 } }, () => "ok");
    await expect(lg.reportResult(proposal.id, { status: "succeeded" })).rejects.toBeInstanceOf(ConflictError);
  });

  it("hands out copies, so a test cannot change the fake's state by accident", async () => {
    const lg = fake();
    const proposal = await lg.propose({ action: { type: "billing.refund", payload: { amount: 1 } } });
    proposal.status = "rejected";
    expect((await lg.getProposal(proposal.id)).status).toBe("approved");
  });
});
