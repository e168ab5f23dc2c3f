import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExecutionRow, StopRow } from "../../src/store/execution-rows.ts";
import type { Change, CommitResult, Store } from "../../src/store/store.ts";
import { verifiedAuditChain } from "../support/audit-chain.ts";
import { at, auditDraft, proposalRow, T0, testId } from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";

function executionRow(proposalId: string, overrides: Partial<ExecutionRow> = {}): ExecutionRow {
  return {
    id: testId("exec"),
    proposalId,
    kind: "execute",
    agentId: "agent_support",
    actionType: "support.reply",
    status: "queued",
    attempts: 0,
    nextAttemptAt: T0,
    leaseOwner: null,
    leaseExpiresAt: null,
    reconciliationReviewId: null,
    rollbackOf: null,
    version: 1,
    createdAt: T0,
    updatedAt: T0,
    doc: {
      action: { type: "support.reply", payload: { to: "a@example.com", body: "hi" } },
      decision: null,
      executor: {
        via: "webhook",
        url: "http://127.0.0.1:9/x",
        secret: "env:S",
        idempotent: true,
        timeoutMs: 1000,
        maxAttempts: 9,
      },
      traceparent: null,
      lastError: null,
      lastStatusCode: null,
    },
    ...overrides,
  };
}

function stopRow(overrides: Partial<StopRow> = {}): StopRow {
  return {
    id: testId("stop"),
    agentId: null,
    actionType: null,
    reason: "incident",
    createdBy: { id: "u1", name: "olga" },
    createdAt: T0,
    liftedAt: null,
    liftedBy: null,
    liftReason: null,
    version: 1,
    ...overrides,
  };
}

/** The execution tables' contract (migration 0002), on SQLite and PostgreSQL. */
describe.each(storeEngines())("Store contract, execution: %s", (engine) => {
  let db: TestStore;
  let store: Store;
  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
  });
  afterEach(async () => db.cleanup());

  const commit = (change: Change): Promise<CommitResult> => store.commit(change);
  const ok = async (change: Change) => {
    const result = await commit(change);
    if (!result.ok) throw new Error(`expected a commit, got ${JSON.stringify(result.conflict)}`);
  };
  const seed = async (overrides: Partial<ExecutionRow> = {}) => {
    const proposal = proposalRow({ status: "approved" });
    const row = executionRow(proposal.id, overrides);
    await ok({
      writes: [
        { kind: "insertProposal", row: proposal },
        { kind: "insertExecution", row },
      ],
      audit: [auditDraft("execution.queued", proposal.id)],
    });
    return row;
  };

  it("stores an execution with its proposal in one commit and reads it back", async () => {
    const row = await seed();
    expect(await store.execution(row.id)).toEqual(row);
    expect(await store.executionsOfProposal(row.proposalId)).toEqual([row]);
    expect(await store.queuedExecutions(10)).toEqual([row]);
    await verifiedAuditChain(store);
  });

  it("refuses a second execution of the same kind for one proposal, writing nothing", async () => {
    const row = await seed();
    const result = await commit({
      writes: [{ kind: "insertExecution", row: executionRow(row.proposalId) }],
      audit: [auditDraft("execution.queued", row.proposalId)],
    });
    expect(result).toMatchObject({ ok: false, conflict: { kind: "duplicate", table: "executions" } });
    expect(await store.executionsOfProposal(row.proposalId)).toHaveLength(1);
  });

  it("lists due executions: queued and due, or executing with a lapsed lease", async () => {
    const due = await seed({ nextAttemptAt: at(0) });
    await seed({ nextAttemptAt: at(100) });
    const lapsed = await seed({ status: "executing", nextAttemptAt: at(-5), leaseExpiresAt: at(5) });
    await seed({ status: "executing", nextAttemptAt: at(-5), leaseExpiresAt: at(50) });
    await seed({ status: "executed", nextAttemptAt: at(-10) });
    const ids = (await store.dueExecutions(at(10), 10)).map((r) => r.id).sort();
    expect(ids).toEqual([due.id, lapsed.id].sort());
  });

  it("claims at the version read: of two claims one wins", async () => {
    const row = await seed();
    const claim = (owner: string) =>
      commit({
        writes: [
          {
            kind: "updateExecution",
            id: row.id,
            expectVersion: 1,
            set: { status: "executing", leaseOwner: owner, attempts: 1 },
          },
        ],
        audit: [auditDraft("execution.attempt_started", row.proposalId)],
      });
    const results = await Promise.all([claim("a"), claim("b")]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ conflict: { kind: "version", table: "executions" } });
    expect((await store.execution(row.id))?.version).toBe(2);
  });

  it("refuses to start an attempt a stop in force covers, and allows it once the stop is lifted", async () => {
    const row = await seed();
    const stop = stopRow({ agentId: "agent_support" });
    await ok({ writes: [{ kind: "insertStop", row: stop }], audit: [auditDraft("stop.created", null)] });
    expect(await store.stopsInForce()).toEqual([stop]);
    const start = () =>
      commit({
        writes: [
          {
            kind: "updateExecution",
            id: row.id,
            expectVersion: 1,
            set: { status: "executing" },
            unlessStopped: { agentId: row.agentId, actionType: row.actionType },
          },
        ],
        audit: [auditDraft("execution.attempt_started", row.proposalId)],
      });
    expect(await start()).toMatchObject({ ok: false, conflict: { kind: "stopped", stopId: stop.id } });
    expect((await store.execution(row.id))?.status).toBe("queued");

    await ok({
      writes: [
        {
          kind: "updateStop",
          id: stop.id,
          expectVersion: 1,
          set: { liftedAt: at(1), liftedBy: { id: "u1", name: "olga" }, liftReason: "fixed" },
        },
      ],
      audit: [auditDraft("stop.lifted", null)],
    });
    expect(await store.stopsInForce()).toEqual([]);
    expect(await store.stop(stop.id)).toMatchObject({
      liftedBy: { id: "u1", name: "olga" },
      liftReason: "fixed",
    });
    expect((await start()).ok).toBe(true);
  });

  it("matches stop scopes: an agent, an action type, both, or everything", async () => {
    const cases: [Partial<StopRow>, boolean][] = [
      [{ agentId: "other" }, false],
      [{ actionType: "support.reply" }, true],
      [{ agentId: "agent_support", actionType: "billing.refund" }, false],
      [{ agentId: "agent_support", actionType: "support.reply" }, true],
      [{}, true],
    ];
    for (const [scope, covers] of cases) {
      const row = await seed();
      const stop = stopRow(scope);
      await ok({ writes: [{ kind: "insertStop", row: stop }], audit: [auditDraft("stop.created", null)] });
      const result = await commit({
        writes: [
          {
            kind: "updateExecution",
            id: row.id,
            expectVersion: 1,
            set: { status: "executing" },
            unlessStopped: { agentId: "agent_support", actionType: "support.reply" },
          },
        ],
        audit: [],
      });
      expect({ scope, stopped: !result.ok }).toEqual({ scope, stopped: covers });
      await ok({
        writes: [
          {
            kind: "updateStop",
            id: stop.id,
            expectVersion: 1,
            set: { liftedAt: at(1), liftedBy: null, liftReason: null },
          },
        ],
        audit: [auditDraft("stop.lifted", null)],
      });
    }
  });

  describe("the stop history (GET /v1/stops?state=lifted)", () => {
    const start = (row: StopRow) =>
      ok({ writes: [{ kind: "insertStop", row }], audit: [auditDraft("stop.created", null)] });
    const lift = async (row: StopRow, liftedAt: string): Promise<StopRow> => {
      const liftedBy = { id: "u2", name: "piet" };
      const liftReason = `resolved at ${liftedAt}`;
      await ok({
        writes: [
          {
            kind: "updateStop",
            id: row.id,
            expectVersion: row.version,
            set: { liftedAt, liftedBy, liftReason },
          },
        ],
        audit: [auditDraft("stop.lifted", null)],
      });
      return { ...row, liftedAt, liftedBy, liftReason, version: row.version + 1 };
    };

    it("keeps lifted stops, with who lifted them and when, apart from those in force", async () => {
      const inForce = stopRow({ agentId: "refund-bot", createdAt: at(1) });
      const held = stopRow({ actionType: "billing.refund", reason: "refund incident", createdAt: at(2) });
      await start(inForce);
      await start(held);
      expect(await store.liftedStops(10)).toEqual({ items: [], nextCursor: null });

      const lifted = await lift(held, at(60));
      expect(await store.liftedStops(10)).toEqual({ items: [lifted], nextCursor: null });
      expect(await store.stopsInForce()).toEqual([inForce]);
      // Reopened (the SQLite file, the PostgreSQL schema), the history is still there.
      store = await db.reopen();
      expect(await store.liftedStops(10)).toEqual({ items: [lifted], nextCursor: null });
    });

    it("lists most recently lifted first, a page at a time, ties broken by id", async () => {
      const rows = Array.from({ length: 5 }, (_, i) => stopRow({ id: `stop_${i}`, createdAt: at(i) }));
      for (const row of rows) await start(row);
      // Lifted in another order than they were started; the last two at the same instant.
      const lifted = [
        await lift(rows[3]!, at(100)),
        await lift(rows[0]!, at(200)),
        await lift(rows[4]!, at(300)),
        await lift(rows[1]!, at(300)),
      ];
      const expected = [lifted[2]!, lifted[3]!, lifted[1]!, lifted[0]!]; // stop_4, stop_1 (same time), …

      const first = await store.liftedStops(3);
      expect(first.items).toEqual(expected.slice(0, 3));
      expect(first.nextCursor).not.toBeNull();
      const second = await store.liftedStops(3, first.nextCursor!);
      expect(second).toEqual({ items: expected.slice(3), nextCursor: null });
      expect(await store.liftedStops(4)).toEqual({ items: expected, nextCursor: null });
      expect((await store.stopsInForce()).map((s) => s.id)).toEqual(["stop_2"]);
    });

    it("refuses a cursor that no stop list produced", async () => {
      await expect(store.liftedStops(10, "bm90LWEtY3Vyc29y")).rejects.toMatchObject({
        code: "invalid_cursor",
      });
    });
  });

  it("mirrors an execution's status on its proposal without a version check", async () => {
    const row = await seed();
    await ok({
      writes: [
        { kind: "setProposalExecutionStatus", proposalId: row.proposalId, status: "executed", at: at(3) },
      ],
      audit: [auditDraft("execution.executed", row.proposalId)],
    });
    const proposal = await store.proposal(row.proposalId);
    expect(proposal).toMatchObject({ executionStatus: "executed", version: 1, updatedAt: at(3) });
  });

  it("records a grant's use once; a second use is a duplicate and writes nothing", async () => {
    const row = await seed({ status: "granted" });
    const use = {
      grantId: row.id,
      proposalId: row.proposalId,
      payloadHash: `sha256:${"0".repeat(64)}`,
      usedAt: at(1),
    };
    await ok({
      writes: [{ kind: "insertGrantUse", row: use }],
      audit: [auditDraft("execution.reported", row.proposalId)],
    });
    expect(await store.grantUse(row.id)).toEqual(use);
    const again = await commit({
      writes: [{ kind: "insertGrantUse", row: { ...use, usedAt: at(2) } }],
      audit: [auditDraft("execution.reported", row.proposalId)],
    });
    expect(again).toMatchObject({ ok: false, conflict: { kind: "duplicate", table: "used_grants" } });
    expect(await store.grantUse(row.id)).toEqual(use);
    await verifiedAuditChain(store);
  });

  it("lists held proposals oldest first", async () => {
    const a = proposalRow({ status: "held", createdAt: at(2) });
    const b = proposalRow({ status: "held", createdAt: at(1) });
    await ok({
      writes: [
        { kind: "insertProposal", row: a },
        { kind: "insertProposal", row: b },
        { kind: "insertProposal", row: proposalRow() },
      ],
      audit: [],
    });
    expect((await store.heldProposals(10)).map((p) => p.id)).toEqual([b.id, a.id]);
  });

  it("counts held proposals by agent and action type, leaving out every other status", async () => {
    const held = (agentId: string, actionType: string) =>
      proposalRow({ status: "held", agentId, actionType });
    await ok({
      writes: [
        held("refund-bot", "billing.refund"),
        held("refund-bot", "billing.refund"),
        held("refund-bot", "support.reply"),
        held("support-bot", "support.reply"),
        proposalRow({ agentId: "refund-bot", actionType: "billing.refund" }),
        proposalRow({ status: "approved", agentId: "other-bot" }),
      ].map((row) => ({ kind: "insertProposal" as const, row })),
      audit: [],
    });
    const counts = await store.heldCounts();
    const byPair = (c: { agentId: string; actionType: string }) => `${c.agentId}/${c.actionType}`;
    expect([...counts].sort((x, y) => byPair(x).localeCompare(byPair(y)))).toEqual([
      { agentId: "refund-bot", actionType: "billing.refund", held: 2 },
      { agentId: "refund-bot", actionType: "support.reply", held: 1 },
      { agentId: "support-bot", actionType: "support.reply", held: 1 },
    ]);
  });
});
