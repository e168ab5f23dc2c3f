import { VERDICTS_AFTER_EXECUTION } from "@loopgate/core";
import { afterEach, describe, expect, it } from "vitest";
import { engines } from "../http/test-server.ts";
import { eventually } from "./receiver.ts";
import { type ExecutionRig, startExecutionRig } from "./support.ts";

describe.each(engines())("rollback and post-review (%s)", (engine) => {
  let rig: ExecutionRig;
  afterEach(async () => rig?.close());

  const proposal = async (id: string) =>
    (await rig.api.call("GET", `/v1/proposals/${id}`, { key: rig.owner })).body;
  const auditOf = async (id: string) =>
    (await rig.api.call("GET", `/v1/audit?proposalId=${id}&limit=500`, { key: rig.owner })).body
      .items as any[];

  it("approve → execute → rollback: three linked audit entries and one rollback call", async () => {
    rig = await startExecutionRig(engine);
    const id = await rig.approved("ledger.post", { amount: 25 });
    await eventually(async () => (await proposal(id)).execution.status === "executed", "executed");

    const denied = await rig.api.call("POST", `/v1/proposals/${id}/rollback`, { key: rig.agent, body: {} });
    expect(denied).toMatchObject({ status: 403, body: { error: { code: "rollback_not_allowed" } } });
    const asked = await rig.api.call("POST", `/v1/proposals/${id}/rollback`, {
      key: rig.reviewer,
      body: { reason: "posted to the wrong account" },
    });
    expect(asked.status).toBe(202);
    await eventually(async () => (await proposal(id)).execution.status === "rolled_back", "rolled back");
    const twice = await rig.api.call("POST", `/v1/proposals/${id}/rollback`, { key: rig.owner });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: "already_rolled_back" } } });

    const undo = rig.receiver.deliveries.filter((d) => d.body.type === "action.rollback");
    const original = rig.receiver.deliveries.find((d) => d.body.type === "action.execute")!;
    expect(undo).toHaveLength(1);
    expect(undo[0]).toMatchObject({
      path: "/ledger/undo",
      signatureValid: true,
      body: { rollbackOf: original.webhookId },
    });
    expect(undo[0]!.webhookId).not.toBe(original.webhookId);

    const audit = await auditOf(id);
    const approved = audit.find((e) => e.type === "decision.recorded");
    const executed = audit.find((e) => e.type === "execution.executed");
    const rolledBack = audit.find((e) => e.type === "execution.rolled_back");
    expect(approved.data.verdict).toBe("approve");
    expect(executed.data.executionId).toBe(original.webhookId);
    expect(rolledBack.data).toMatchObject({
      executionId: undo[0]!.webhookId,
      rollbackOf: original.webhookId,
    });
    expect(approved.seq < executed.seq && executed.seq < rolledBack.seq).toBe(true);
    expect(audit.find((e) => e.type === "execution.rollback_requested").actor.name).toBe("rita");
  });

  it("refuses to roll back an irreversible action, or one not executed", async () => {
    rig = await startExecutionRig(engine);
    const mail = await rig.approved("mail.send", { to: "a@example.com" });
    await eventually(async () => (await proposal(mail)).execution.status === "executed", "executed");
    expect(await rig.api.call("POST", `/v1/proposals/${mail}/rollback`, { key: rig.owner })).toMatchObject({
      status: 422,
      body: { error: { code: "action_irreversible" } },
    });
    const pending = await rig.propose("ledger.post", { amount: 99 });
    expect(
      await rig.api.call("POST", `/v1/proposals/${pending.id}/rollback`, { key: rig.owner }),
    ).toMatchObject({
      status: 409,
      body: { error: { code: "not_executed" } },
    });
    expect(rig.receiver.deliveries.filter((d) => d.body.type === "action.rollback")).toHaveLength(0);
  });

  it("post_review runs a reversible action at once and keeps a review; a rejection rolls it back", async () => {
    rig = await startExecutionRig(engine);
    const posted = await rig.propose("doc.publish", { slug: "pricing" });
    expect(posted.status).toBe("auto_approved");
    expect(posted.review).toMatchObject({ queue: "ops" });
    await eventually(
      async () => (await proposal(posted.id)).execution.status === "executed",
      "executed before review",
    );
    expect(rig.receiver.deliveries.map((d) => d.path)).toEqual(["/publish"]);

    const edit = await rig.api.call("POST", `/v1/reviews/${posted.review.id}/decisions`, {
      key: rig.reviewer,
      body: { verdict: "escalate" },
    });
    expect(edit).toMatchObject({
      status: 422,
      body: { error: { code: "verdict_not_after_execution", details: { verdicts: ["approve", "reject"] } } },
    });
    // The reviewer app offers exactly these (one definition in core).
    expect(edit.body.error.details.verdicts).toEqual([...VERDICTS_AFTER_EXECUTION]);
    const rejected = await rig.api.call("POST", `/v1/reviews/${posted.review.id}/decisions`, {
      key: rig.reviewer,
      body: { verdict: "reject", comment: "wrong page" },
    });
    expect(rejected.status).toBe(201);
    await eventually(
      async () => (await proposal(posted.id)).execution.status === "rolled_back",
      "rolled back",
    );
    expect(rig.receiver.deliveries.map((d) => d.path)).toEqual(["/publish", "/unpublish"]);

    const kept = await rig.propose("doc.publish", { slug: "faq" });
    await eventually(async () => (await proposal(kept.id)).execution.status === "executed", "executed");
    const approved = await rig.api.call("POST", `/v1/reviews/${kept.review.id}/decisions`, {
      key: rig.reviewer,
      body: { verdict: "approve" },
    });
    expect(approved.body).toMatchObject({ proposalStatus: "auto_approved", reviewStatus: "decided" });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(rig.receiver.deliveries.filter((d) => d.path === "/unpublish")).toHaveLength(1);
  });
});
