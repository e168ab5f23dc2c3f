import { afterEach, describe, expect, it } from "vitest";
import { engines } from "../http/test-server.ts";
import { eventually } from "./receiver.ts";
import { type ExecutionRig, startExecutionRig } from "./support.ts";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe.each(engines())("webhook executors (%s)", (engine) => {
  let rig: ExecutionRig;
  afterEach(async () => rig?.close());

  const executionOf = async (proposalId: string) =>
    (await rig.api.call("GET", `/v1/proposals/${proposalId}`, { key: rig.owner })).body.execution;

  it("delivers an approved action once, signed, with the final payload, idempotency key and traceparent", async () => {
    rig = await startExecutionRig(engine);
    const proposal = await rig.propose("ledger.post", { amount: 50 }, { traceparent: TRACEPARENT });
    const edited = await rig.api.call("POST", `/v1/reviews/${proposal.review.id}/decisions`, {
      key: rig.reviewer,
      body: { verdict: "edit", payload: { amount: 40 } },
    });
    expect(edited.status).toBe(201);
    await eventually(() => rig.receiver.deliveries.length === 1, "the delivery");
    const [delivery] = rig.receiver.deliveries;
    expect(delivery).toMatchObject({
      path: "/ledger",
      signatureValid: true,
      traceparent: TRACEPARENT,
      body: {
        type: "action.execute",
        proposalId: proposal.id,
        action: { type: "ledger.post", payload: { amount: 40 } },
        decision: { verdict: "edit", by: { name: "rita" } },
      },
    });
    expect(delivery!.idempotencyKey).toBe(delivery!.webhookId);
    expect(Math.abs(Number(delivery!.timestamp) - Date.now() / 1000)).toBeLessThan(5);
    await eventually(async () => (await executionOf(proposal.id)).status === "executed", "executed");
    const execution = await executionOf(proposal.id);
    expect(execution.executions[0]).toMatchObject({
      id: delivery!.webhookId,
      status: "executed",
      attempts: 1,
    });

    const audit = await rig.api.call("GET", `/v1/audit?proposalId=${proposal.id}`, { key: rig.owner });
    const types = audit.body.items.map((e: any) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        "decision.recorded",
        "execution.queued",
        "execution.attempt_started",
        "execution.executed",
      ]),
    );
    // The execution was queued in the decision's own commit: the entries sit side by side.
    const decided = types.indexOf("decision.recorded");
    expect(types[decided + 1]).toBe("execution.queued");
  });

  it("delivers auto-approved actions with a null decision, and nothing for rejected or pending ones", async () => {
    rig = await startExecutionRig(engine);
    const auto = await rig.propose("ledger.post", { amount: 5 });
    expect(auto.status).toBe("auto_approved");
    const rejected = await rig.propose("ledger.post", { amount: 70 });
    await rig.api.call("POST", `/v1/reviews/${rejected.review.id}/decisions`, {
      key: rig.reviewer,
      body: { verdict: "reject" },
    });
    const pending = await rig.propose("ledger.post", { amount: 80 });
    await eventually(() => rig.receiver.deliveries.length === 1, "the auto-approved delivery");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(rig.receiver.deliveries.map((d) => d.body.proposalId)).toEqual([auto.id]);
    expect(rig.receiver.deliveries[0]!.body.decision).toBeNull();
    expect((await executionOf(pending.id)).status).toBe("not_started");
  });

  it("retries 500, 429 with Retry-After, stalls and resets under the same key, then dead-letters to a person", async () => {
    rig = await startExecutionRig(engine, { timeoutMs: 300, attempts: 4 });
    const script = ["500", "429", "stall", "reset", "500"];
    rig.receiver.answer = (_d, nth) => {
      const step = script[nth - 1] ?? "500";
      if (step === "stall" || step === "reset") return step;
      return step === "429" ? { status: 429, headers: { "retry-after": "1" } } : { status: Number(step) };
    };
    const id = await rig.approved("ledger.post", { amount: 20 });
    await eventually(async () => (await executionOf(id)).status === "dead_lettered", "dead-lettered", 15_000);
    const deliveries = rig.receiver.deliveries;
    expect(deliveries.map((d) => d.answer)).toEqual(["500", "429", "stall", "reset", "500"]);
    expect(new Set(deliveries.map((d) => d.webhookId)).size).toBe(1);
    expect(deliveries.every((d) => d.idempotencyKey === d.webhookId && d.signatureValid)).toBe(true);
    // Retry-After: 1 was honoured (the back-off alone would have been at most 40 ms).
    expect(deliveries[2]!.at - deliveries[1]!.at).toBeGreaterThanOrEqual(950);
    // A stalled attempt was given up after its timeout.
    expect(deliveries[3]!.at - deliveries[2]!.at).toBeGreaterThanOrEqual(290);

    const execution = (await executionOf(id)).executions[0];
    expect(execution).toMatchObject({
      attempts: 5,
      status: "dead_lettered",
      lastError: "the executor answered HTTP 500",
    });
    const reviews = await rig.api.call("GET", "/v1/reviews?queue=ops", { key: rig.reviewer });
    const reconciliation = reviews.body.items.find((r: any) => r.id === execution.reconciliationReviewId);
    expect(reconciliation).toMatchObject({ proposalId: id, queue: "ops" });

    // A person asks for one more try; the receiver now accepts it, under the same key.
    rig.receiver.answer = () => ({ status: 204 });
    const retried = await rig.api.call("POST", `/v1/reviews/${reconciliation.id}/decisions`, {
      key: rig.reviewer,
      body: { verdict: "retry", comment: "receiver fixed" },
    });
    expect(retried.status).toBe(201);
    await eventually(async () => (await executionOf(id)).status === "executed", "executed after retry");
    expect(new Set(rig.receiver.deliveries.map((d) => d.webhookId)).size).toBe(1);
    expect(rig.receiver.effects.size).toBe(1);
  });

  it("never re-sends to a non-idempotent executor after an unclear outcome: unknown, reconciled by a person", async () => {
    rig = await startExecutionRig(engine, { timeoutMs: 200 });
    rig.receiver.answer = () => "stall";
    const id = await rig.approved("mail.send", { to: "a@example.com" });
    await eventually(async () => (await executionOf(id)).status === "unknown", "unknown");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rig.receiver.deliveries).toHaveLength(1);
    const review = (await executionOf(id)).executions[0].reconciliationReviewId;
    const wrongVerb = await rig.api.call("POST", `/v1/reviews/${review}/decisions`, {
      key: rig.reviewer,
      body: { verdict: "mark_everything" },
    });
    expect(wrongVerb.status).toBe(400);
    const marked = await rig.api.call("POST", `/v1/reviews/${review}/decisions`, {
      key: rig.reviewer,
      body: { verdict: "mark_executed" },
    });
    expect(marked.status).toBe(201);
    expect(marked.body).toMatchObject({ executionStatus: "executed", execution: { status: "executed" } });
    const again = await rig.api.call("POST", `/v1/reviews/${review}/decisions`, {
      key: rig.reviewer,
      body: { verdict: "retry" },
    });
    expect(again.status).toBe(409);
    expect(rig.receiver.deliveries).toHaveLength(1);
  });

  it("a non-idempotent executor that answers 500 is dead-lettered after one attempt", async () => {
    rig = await startExecutionRig(engine);
    rig.receiver.answer = () => ({ status: 500 });
    const id = await rig.approved("mail.send", { to: "a@example.com" });
    await eventually(async () => (await executionOf(id)).status === "dead_lettered", "dead-lettered");
    expect(rig.receiver.deliveries).toHaveLength(1);
    const review = (await executionOf(id)).executions[0].reconciliationReviewId;
    const approve = await rig.api.call("POST", `/v1/reviews/${review}/decisions`, {
      key: rig.reviewer,
      body: { verdict: "approve" },
    });
    expect(approve).toMatchObject({
      status: 422,
      body: { error: { code: "reconciliation_verdict_required" } },
    });
    const failed = await rig.api.call("POST", `/v1/reviews/${review}/decisions`, {
      key: rig.reviewer,
      body: { verdict: "mark_failed", comment: "mail server down; customer called instead" },
    });
    expect(failed.body).toMatchObject({ executionStatus: "failed", execution: { status: "failed" } });
    const audit = await rig.api.call("GET", `/v1/audit?proposalId=${id}&type=execution.reconciled`, {
      key: rig.owner,
    });
    expect(audit.body.items[0].data).toMatchObject({
      verdict: "mark_failed",
      from: "dead_lettered",
      to: "failed",
    });
  });

  it("never calls an executor host outside the configured allowlist", async () => {
    rig = await startExecutionRig(engine, {
      server: { config: { executorAllowlist: ["hooks.example.com"] } as never },
    });
    const id = await rig.approved("ledger.post", { amount: 30 });
    await eventually(async () => (await executionOf(id)).status === "dead_lettered", "dead-lettered");
    expect(rig.receiver.deliveries).toHaveLength(0);
    expect((await executionOf(id)).executions[0].lastError).toMatch(/not on the executor allowlist/);
  });
});
