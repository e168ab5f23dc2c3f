import { afterEach, describe, expect, it } from "vitest";
import { engines } from "../http/test-server.ts";
import { eventually } from "./receiver.ts";
import { type ExecutionRig, startExecutionRig } from "./support.ts";

/** Proposals in flight when the stop lands: the issue's 1,000; `LOOPGATE_TEST_STOP_IN_FLIGHT` changes it. */
const IN_FLIGHT = Number(process.env.LOOPGATE_TEST_STOP_IN_FLIGHT ?? 1000);

describe.each(engines())("stops (%s)", (engine) => {
  let rig: ExecutionRig;
  afterEach(async () => rig?.close());

  /** Every audit entry matching `query`, following the cursor across pages. */
  const auditOf = async (query: string) => {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const page: string = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
      const body = (await rig.api.call("GET", `/v1/audit?${query}&limit=500${page}`, { key: rig.owner }))
        .body;
      items.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor !== null);
    return items;
  };

  it("only owners stop; an empty scope and an action type the policy does not declare are refused", async () => {
    rig = await startExecutionRig(engine);
    const asReviewer = await rig.api.call("POST", "/v1/stops", {
      key: rig.reviewer,
      body: { scope: { all: true }, reason: "x" },
    });
    expect(asReviewer.status).toBe(403);
    const empty = await rig.api.call("POST", "/v1/stops", {
      key: rig.owner,
      body: { scope: {}, reason: "x" },
    });
    expect(empty).toMatchObject({
      status: 400,
      body: { error: { details: { issues: [{ path: "scope" }] } } },
    });
    const typo = await rig.api.call("POST", "/v1/stops", {
      key: rig.owner,
      body: { scope: { actionType: "ledger.psot" }, reason: "x" },
    });
    expect(typo).toMatchObject({
      status: 400,
      body: {
        error: {
          code: "unknown_action_type",
          details: {
            issues: [
              {
                path: "scope.actionType",
                message: expect.stringMatching(
                  /"ledger\.psot" is not declared .*: use one of .*ledger\.post/,
                ),
              },
            ],
          },
        },
      },
    });
    expect((await rig.api.call("GET", "/v1/stops", { key: rig.owner })).body).toEqual({
      items: [],
      nextCursor: null,
    });
    expect((await rig.api.call("DELETE", "/v1/stops/nope", { key: rig.owner })).status).toBe(404);
  });

  it("a stop with exactly the scope of one in force answers that one (200, alreadyInForce): no second stop, nothing audited", async () => {
    rig = await startExecutionRig(engine);
    const post = (scope: object, reason: string) =>
      rig.api.call("POST", "/v1/stops", { key: rig.owner, body: { scope, reason } });
    const first = await post({ agent: "ops-bot", actionType: "ledger.post" }, "wrong ledger");
    expect(first.status).toBe(201);
    expect(first.body.reason).toBe("wrong ledger");
    expect(first.body).not.toHaveProperty("alreadyInForce");
    const auditBefore = (await auditOf("type=stop.created")).length;

    // The same scope again (fields in another order, another reason): the first stop as it is.
    const again = await post({ actionType: "ledger.post", agent: "ops-bot" }, "also wrong");
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, alreadyInForce: true });
    expect((await auditOf("type=stop.created")).length).toBe(auditBefore);

    // Two at once make one.
    const [a, b] = await Promise.all([post({ all: true }, "incident"), post({ all: true }, "incident")]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.id).toBe(b.body.id);

    // A scope that only overlaps is another stop: narrower, wider, or with one field fewer.
    expect((await post({ agent: "ops-bot" }, "x")).status).toBe(201);
    expect((await post({ actionType: "ledger.post" }, "x")).status).toBe(201);
    const inForce = (await rig.api.call("GET", "/v1/stops", { key: rig.owner })).body.items;
    expect(inForce).toHaveLength(4);
    expect(inForce.every((s: object) => !("alreadyInForce" in s))).toBe(true);
    expect((await auditOf("type=stop.created")).length).toBe(auditBefore + 3);

    // Lifted, the scope is free again: a new stop is made.
    const lifted = await rig.api.call("DELETE", `/v1/stops/${first.body.id}`, { key: rig.owner, body: {} });
    expect(lifted.status).toBe(200);
    const anew = await post({ agent: "ops-bot", actionType: "ledger.post" }, "back again");
    expect(anew.status).toBe(201);
    expect(anew.body.id).not.toBe(first.body.id);
    expect(anew.body.reason).toBe("back again");
    expect(anew.body).not.toHaveProperty("alreadyInForce");
  });

  it(`a stop acknowledged while ${IN_FLIGHT} proposals are in flight: nothing in scope executes after it`, async () => {
    rig = await startExecutionRig(engine);
    rig.receiver.answer = () => ({ status: 200 });
    let ackAt = 0;
    let stopId = "";
    const proposals: Promise<any>[] = [];
    for (let i = 0; i < IN_FLIGHT; i++) {
      proposals.push(rig.propose("ledger.post", { amount: i % 9 }));
      if (i === Math.floor(IN_FLIGHT / 3)) {
        await eventually(() => rig.receiver.deliveries.length > 0, "the first deliveries");
        const stop = await rig.api.call("POST", "/v1/stops", {
          key: rig.owner,
          body: { scope: { actionType: "ledger.post" }, reason: "ledger incident" },
        });
        ackAt = Date.now();
        expect(stop.status).toBe(201);
        expect(stop.body).toMatchObject({
          scope: { actionType: "ledger.post" },
          reason: "ledger incident",
          createdBy: { name: "olga" },
        });
        stopId = stop.body.id;
      }
    }
    const created = await Promise.all(proposals);
    await new Promise((resolve) => setTimeout(resolve, 300));

    // From the receiver's log: no delivery arrived after the acknowledgement.
    const late = rig.receiver.deliveries.filter((d) => d.at > ackAt);
    expect(late).toEqual([]);
    const delivered = new Set(rig.receiver.deliveries.map((d) => d.body.proposalId));
    expect(delivered.size).toBeGreaterThan(0);
    // New proposals in scope are held; none of them was delivered.
    const held = created.filter((p) => p.status === "held");
    expect(held.length).toBeGreaterThanOrEqual(IN_FLIGHT / 2);
    expect(held.some((p) => delivered.has(p.id))).toBe(false);
    // And the audit agrees: no attempt started after the stop was recorded.
    const [stopEntry] = await auditOf("type=stop.created");
    const started = await auditOf(`type=execution.attempt_started&since=${stopEntry.at}`);
    expect(started.filter((e) => e.seq > stopEntry.seq)).toEqual([]);
    const listed = await rig.api.call("GET", "/v1/stops", { key: rig.owner });
    expect(listed.body.items.map((s: any) => s.id)).toEqual([stopId]);

    // Resume: lifted and audited; the held proposals are routed again and executed.
    const resumed = await rig.api.call("DELETE", `/v1/stops/${stopId}`, { key: rig.owner });
    expect(resumed).toMatchObject({ status: 200, body: { id: stopId, liftedBy: { name: "olga" } } });
    expect((await auditOf("type=stop.lifted")).map((e) => e.data.stopId)).toEqual([stopId]);
    await eventually(
      () => held.every((p) => rig.receiver.deliveries.some((d) => d.body.proposalId === p.id)),
      "the held proposals delivered after the resume",
    );
    const released = await auditOf(`type=proposal.released`);
    expect(released.length).toBe(held.length);
    expect((await rig.api.call("DELETE", `/v1/stops/${stopId}`, { key: rig.owner })).status).toBe(409);
    // Effects per idempotency key = 1, and one delivery per executed proposal.
    expect(rig.receiver.effects.size).toBe(new Set(rig.receiver.deliveries.map((d) => d.webhookId)).size);
  });

  it("cancels queued executions in scope", async () => {
    rig = await startExecutionRig(engine);
    rig.receiver.answer = () => ({ status: 503, headers: { "retry-after": "30" } });
    const id = await rig.approved("ledger.post", { amount: 40 });
    await eventually(() => rig.receiver.deliveries.length === 1, "the first attempt");
    const stop = await rig.api.call("POST", "/v1/stops", {
      key: rig.owner,
      body: { scope: { agent: "ops-bot" }, reason: "bot misbehaves" },
    });
    expect(stop.status).toBe(201);
    const proposal = (await rig.api.call("GET", `/v1/proposals/${id}`, { key: rig.owner })).body;
    expect(proposal.execution).toMatchObject({ status: "cancelled", executions: [{ status: "cancelled" }] });
    const cancelled = await auditOf(`proposalId=${id}&type=execution.cancelled`);
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0].data.stopId).toBe(stop.body.id);
  });

  it("an approval given during a stop waits for the lift, then runs; what was queued before is cancelled", async () => {
    rig = await startExecutionRig(engine);
    rig.receiver.answer = () => ({ status: 503, headers: { "retry-after": "30" } });
    const before = await rig.approved("ledger.post", { amount: 41 });
    await eventually(() => rig.receiver.deliveries.length === 1, "the first attempt of the earlier approval");
    const pending = await rig.propose("ledger.post", { amount: 42 });
    expect(pending.status).toBe("pending_review");
    const stop = await rig.api.call("POST", "/v1/stops", {
      key: rig.owner,
      body: { scope: { actionType: "ledger.post" }, reason: "ledger incident" },
    });
    expect(stop.status).toBe(201);
    rig.receiver.answer = () => ({ status: 200 });

    // The reviewer works the queue during the stop: the approval is recorded and its action waits.
    const decided = await rig.api.call("POST", `/v1/reviews/${pending.review.id}/decisions`, {
      key: rig.reviewer,
      body: { verdict: "approve" },
    });
    expect(decided.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const read = async (id: string) =>
      (await rig.api.call("GET", `/v1/proposals/${id}`, { key: rig.owner })).body;
    expect((await read(pending.id)).execution.executions).toMatchObject([{ status: "queued" }]);
    expect(rig.receiver.deliveries.filter((d) => d.body.proposalId === pending.id)).toEqual([]);
    // The execution queued when the stop was made is cancelled, and stays so.
    expect((await read(before)).execution.status).toBe("cancelled");

    await rig.api.call("DELETE", `/v1/stops/${stop.body.id}`, { key: rig.owner, body: { reason: "fixed" } });
    await eventually(
      async () => (await read(pending.id)).execution.status === "executed",
      "the approval carried out after the lift",
    );
    expect((await read(before)).execution.status).toBe("cancelled");
  });

  it("a rollback asked for during a stop waits for the lift, then runs", async () => {
    rig = await startExecutionRig(engine);
    const id = await rig.approved("ledger.post", { amount: 45 });
    await eventually(() => rig.receiver.deliveries.length === 1, "the execution");
    await eventually(
      async () =>
        (await rig.api.call("GET", `/v1/proposals/${id}`, { key: rig.owner })).body.execution.status ===
        "executed",
      "executed",
    );
    const stop = await rig.api.call("POST", "/v1/stops", {
      key: rig.owner,
      body: { scope: { all: true }, reason: "freeze" },
    });
    expect((await rig.api.call("POST", `/v1/proposals/${id}/rollback`, { key: rig.owner })).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rig.receiver.deliveries.filter((d) => d.body.type === "action.rollback")).toEqual([]);
    await rig.api.call("DELETE", `/v1/stops/${stop.body.id}`, { key: rig.owner });
    await eventually(
      () => rig.receiver.deliveries.some((d) => d.body.type === "action.rollback"),
      "the rollback after the lift",
    );
  });
});
