import { afterEach, describe, expect, it } from "vitest";
import type { ChangeEvent } from "../../src/app/events.ts";
import { engines } from "../http/test-server.ts";
import { streamEvents } from "../support/stream-events.ts";
import { eventually } from "./receiver.ts";
import { type ExecutionRig, startExecutionRig } from "./support.ts";

/**
 * Reconciliation reviews (SPEC §3) against a real webhook executor, on both engines: their decisions
 * honour another person's claim like any decision; one settled on another review of the proposal
 * closes in the same commit; the list says which reviews they are; and the agent cannot settle one
 * with a result report.
 */
describe.each(engines())("reconciliation reviews (%s)", (engine) => {
  let rig: ExecutionRig;
  afterEach(async () => rig?.close());

  const proposal = async (id: string) =>
    (await rig.api.call("GET", `/v1/proposals/${id}`, { key: rig.owner })).body;
  const decide = (reviewId: string, key: string, body: Record<string, unknown>) =>
    rig.api.call("POST", `/v1/reviews/${reviewId}/decisions`, { key, body });
  const listed = async (query: string) =>
    (await rig.api.call("GET", `/v1/reviews?${query}`, { key: rig.owner })).body.items as any[];

  /** A mail whose delivery stalled: its execution is `unknown`, its reconciliation review open. */
  async function unknownMail() {
    rig.receiver.answer = () => "stall";
    const id = await rig.approved("mail.send", { to: "a@example.com" });
    await eventually(async () => (await proposal(id)).execution.status === "unknown", "unknown");
    const execution = (await proposal(id)).execution.executions[0];
    return { id, execution, reviewId: execution.reconciliationReviewId as string };
  }

  it("refuses a verb on a review someone else holds with 409 claimed_by_other, as for any decision", async () => {
    rig = await startExecutionRig(engine, { timeoutMs: 200 });
    const lena = await rig.api.key("lena", "reviewer");
    const { id, reviewId } = await unknownMail();
    const claimed = await rig.api.call("POST", `/v1/reviews/${reviewId}/claim`, { key: lena });
    expect(claimed.status).toBe(200);

    for (const verdict of ["mark_executed", "mark_failed", "retry"]) {
      const refused = await decide(reviewId, rig.reviewer, { verdict });
      expect(refused).toMatchObject({
        status: 409,
        body: {
          error: {
            code: "claimed_by_other",
            details: { claim: { by: { name: "lena" }, expiresAt: claimed.body.claim.expiresAt } },
          },
        },
      });
      expect(refused.body.error.message).toMatch(/^lena is working on this review until /);
    }
    // The same shape as an ordinary decision's refusal.
    const ordinary = await decide(reviewId, rig.reviewer, { verdict: "approve" });
    expect(ordinary.body.error.code).toBe("claimed_by_other");
    expect((await proposal(id)).execution.status).toBe("unknown");

    const marked = await decide(reviewId, lena, { verdict: "mark_executed" });
    expect(marked).toMatchObject({ status: 201, body: { executionStatus: "executed" } });
    expect(rig.receiver.deliveries).toHaveLength(1);
  });

  it("checks a packetHash sent with a verb as any decision does: the one shown passes, a stale one is 409", async () => {
    rig = await startExecutionRig(engine, { timeoutMs: 200 });
    const { id, reviewId } = await unknownMail();
    const stale = await decide(reviewId, rig.reviewer, { verdict: "mark_failed", packetHash: "sha256:old" });
    expect(stale).toMatchObject({ status: 409, body: { error: { code: "stale_packet" } } });
    const shown = (await rig.api.call("GET", `/v1/proposals/${id}`, { key: rig.reviewer })).body;
    const settled = await decide(reviewId, rig.reviewer, {
      verdict: "mark_failed",
      packetHash: shown.packetHash,
    });
    expect(settled).toMatchObject({ status: 201, body: { executionStatus: "failed" } });
  });

  it("announces a reconciliation review as it opens, so open inboxes show it", async () => {
    rig = await startExecutionRig(engine, { timeoutMs: 200 });
    const stream = streamEvents(rig.api.url, rig.reviewer);
    await stream.ready;
    const { reviewId } = await unknownMail();
    await eventually(
      () => stream.events.some((e) => e.event === "review.opened" && e.data.reviewId === reviewId),
      "review.opened for the reconciliation review",
    );
    await stream.stop();
  });

  it("lists what a review is for: the execution to settle, or null for a review of a proposal", async () => {
    rig = await startExecutionRig(engine, { timeoutMs: 200 });
    const { execution, reviewId } = await unknownMail();
    const waiting = await rig.propose("ledger.post", { amount: 70 });
    // A summary worded like the server's is still an ordinary review.
    const lookalike = await rig.api.call("POST", "/v1/proposals", {
      key: rig.agent,
      body: {
        action: { type: "mail.send", payload: { to: "b@example.com" } },
        summary: "Reconcile mail.send: outcome unknown (timeout); decide mark_executed, mark_failed or retry",
      },
    });
    expect(lookalike.status).toBe(201);

    const items = await listed("queue=ops");
    const byId = new Map(items.map((item) => [item.id, item.reconciliation]));
    expect(byId.get(reviewId)).toEqual({ executionId: execution.id, kind: "execute", outcome: "unknown" });
    expect(byId.get(waiting.review.id)).toBeNull();
    expect(byId.get(lookalike.body.review.id)).toBeNull();

    // The review a person claims next carries it too.
    const next = await rig.api.call("POST", "/v1/reviews/claim-next", { key: rig.reviewer, body: {} });
    expect(next.body.review).toMatchObject({ id: reviewId, reconciliation: { outcome: "unknown" } });
  });

  it("a rollback given up opens a reconciliation review of kind rollback", async () => {
    rig = await startExecutionRig(engine);
    rig.receiver.answer = (delivery) => (delivery.path === "/unpublish" ? { status: 400 } : { status: 204 });
    const posted = await rig.propose("doc.publish", { slug: "pricing" });
    await eventually(async () => (await proposal(posted.id)).execution.status === "executed", "executed");
    const rejected = await decide(posted.review.id, rig.reviewer, { verdict: "reject" });
    expect(rejected.status).toBe(201);
    await eventually(
      async () =>
        (await proposal(posted.id)).execution.executions.some((e: any) => e.status === "dead_lettered"),
      "the rollback dead-lettered",
    );
    const rollback = (await proposal(posted.id)).execution.executions.find((e: any) => e.kind === "rollback");
    const items = await listed("queue=ops");
    expect(items.find((item) => item.id === rollback.reconciliationReviewId)?.reconciliation).toEqual({
      executionId: rollback.id,
      kind: "rollback",
      outcome: "dead_lettered",
    });
  });

  it("settled on the post-review, the execution's own reconciliation review closes as cancelled, audited and announced", async () => {
    rig = await startExecutionRig(engine);
    const lena = await rig.api.key("lena", "reviewer");
    rig.receiver.answer = (delivery) => (delivery.path === "/publish" ? { status: 400 } : { status: 204 });
    const posted = await rig.propose("doc.publish", { slug: "pricing" });
    expect(posted.status).toBe("auto_approved");
    await eventually(
      async () => (await proposal(posted.id)).execution.status === "dead_lettered",
      "dead-lettered",
    );
    const execution = (await proposal(posted.id)).execution.executions[0];
    const reconciliationId = execution.reconciliationReviewId as string;
    expect(reconciliationId).not.toBe(posted.review.id);
    expect((await listed("queue=ops")).map((item) => item.id).sort()).toEqual(
      [posted.review.id, reconciliationId].sort(),
    );

    // Someone working on the reconciliation review holds the execution: the post-review waits too.
    await rig.api.call("POST", `/v1/reviews/${reconciliationId}/claim`, { key: lena });
    const held = await decide(posted.review.id, rig.reviewer, { verdict: "mark_failed" });
    expect(held).toMatchObject({
      status: 409,
      body: { error: { code: "claimed_by_other", details: { claim: { by: { name: "lena" } } } } },
    });
    expect(held.body.error.message).toMatch(/^lena is working on this execution's reconciliation review /);
    await rig.api.call("POST", `/v1/reviews/${reconciliationId}/release`, { key: lena });

    const events: ChangeEvent[] = [];
    const stop = rig.api.server.deps.events.subscribe((event) => events.push(event));
    const settled = await decide(posted.review.id, rig.reviewer, {
      verdict: "mark_failed",
      comment: "the page was never published",
    });
    stop();
    expect(settled).toMatchObject({ status: 201, body: { executionStatus: "failed" } });

    // Nothing left in the inbox; the reconciliation review is cancelled, not decided.
    expect(await listed("queue=ops")).toEqual([]);
    const cancelled = (await listed("status=cancelled")).find((item) => item.id === reconciliationId);
    expect(cancelled).toMatchObject({
      status: "cancelled",
      claim: null,
      reconciliation: { executionId: execution.id, kind: "execute", outcome: "dead_lettered" },
    });
    expect(events.filter((e) => e.type === "review.closed").map((e) => [e.reviewId, e.status])).toEqual([
      [posted.review.id, "decided"],
      [reconciliationId, "cancelled"],
    ]);

    const audit = await rig.api.call("GET", `/v1/audit?proposalId=${posted.id}&type=review.cancelled`, {
      key: rig.owner,
    });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      actor: { kind: "user", name: "rita" },
      data: {
        reviewId: reconciliationId,
        reviewStatus: { from: "pending", to: "cancelled" },
        because: "execution_settled_elsewhere",
        executionId: execution.id,
        settledOn: posted.review.id,
        verdict: "mark_failed",
      },
    });

    // A late verb on it says why there is nothing to do.
    const late = await decide(reconciliationId, lena, { verdict: "mark_executed" });
    expect(late).toMatchObject({ status: 409, body: { error: { code: "review_cancelled" } } });
    expect(late.body.error.message).toMatch(/already settled on another review/);
    expect((await proposal(posted.id)).execution.executions[0].status).toBe("failed");
  });

  it("refuses the agent's result report while a person has to settle the execution", async () => {
    rig = await startExecutionRig(engine, { timeoutMs: 200 });
    const { id, execution, reviewId } = await unknownMail();
    const reported = await rig.api.call("POST", `/v1/proposals/${id}/result`, {
      key: rig.agent,
      body: { status: "succeeded" },
    });
    expect(reported).toMatchObject({
      status: 409,
      body: {
        error: {
          code: "reconciliation_pending",
          details: { executionStatus: "unknown", executionId: execution.id, reviewId },
        },
      },
    });
    const after = await proposal(id);
    expect(after.execution.status).toBe("unknown");
    expect((await listed("queue=ops")).map((item) => item.id)).toContain(reviewId);
  });
});
