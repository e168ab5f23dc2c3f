import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AutonomyChangeRow, OutcomeRow, PromotionRow } from "../../src/store/autonomy-rows.ts";
import type { ExecutionRow } from "../../src/store/execution-rows.ts";
import type { Store, Write } from "../../src/store/store.ts";
import { verifiedAuditChain } from "../support/audit-chain.ts";
import { at, auditDraft, changeOf, proposalRow, T0, testId } from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";

const OLIVIA = { id: "u_olivia", name: "olivia" };

const promotion = (overrides: Partial<PromotionRow> = {}): PromotionRow => ({
  id: testId("promo"),
  agentId: "bot",
  actionType: "crm.update",
  from: "review_all",
  to: "threshold",
  status: "requested",
  comment: null,
  evidence: { evidence: { decisions: 240 }, criteria: [] },
  requestedBy: { ...OLIVIA, at: at(0) },
  approvedBy: null,
  policyVersion: null,
  createdAt: at(0),
  version: 1,
  ...overrides,
});

const change = (overrides: Partial<AutonomyChangeRow> = {}): Omit<AutonomyChangeRow, "policyVersion"> => {
  const { policyVersion: _, ...row } = {
    id: testId("chg"),
    agentId: "bot",
    actionType: "crm.update",
    kind: "promotion" as const,
    from: "review_all" as const,
    to: "threshold" as const,
    reason: "promoted",
    breaker: null,
    promotionId: null,
    by: OLIVIA,
    at: at(10),
    policyVersion: 0,
    ...overrides,
  };
  return row;
};

const execution = (proposalId: string, overrides: Partial<ExecutionRow> = {}): ExecutionRow => ({
  id: testId("exec"),
  proposalId,
  kind: "execute",
  agentId: "bot",
  actionType: "crm.update",
  status: "executed",
  attempts: 1,
  nextAttemptAt: null,
  leaseOwner: null,
  leaseExpiresAt: null,
  reconciliationReviewId: null,
  rollbackOf: null,
  version: 1,
  createdAt: T0,
  updatedAt: at(30),
  doc: {
    action: { type: "crm.update", payload: {} },
    decision: null,
    executor: { via: "agent" },
    traceparent: null,
    lastError: null,
    lastStatusCode: null,
  } as unknown as ExecutionRow["doc"],
  ...overrides,
});

/** Earned autonomy and outcomes (migration 0009), on SQLite and on PostgreSQL. */
describe.each(storeEngines())("Store contract, autonomy and outcomes: %s", (engine) => {
  let db: TestStore;
  let store: Store;

  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
    await store.commit({
      writes: [
        { kind: "insertPolicy", row: { text: "version: 1", hash: "h1", createdAt: T0, createdBy: "t" } },
      ],
      audit: [auditDraft("policy.loaded", null)],
    });
  });
  afterEach(() => db.cleanup());

  const commit = (writes: Write[]) => store.commit(changeOf(writes));

  it("keeps one requested promotion per agent and action type", async () => {
    const first = promotion();
    expect((await commit([{ kind: "insertPromotion", row: first }])).ok).toBe(true);
    const second = await commit([{ kind: "insertPromotion", row: promotion() }]);
    expect(second).toMatchObject({
      ok: false,
      conflict: { kind: "duplicate", table: "autonomy_promotions" },
    });
    expect(await store.autonomyPromotion(first.id)).toEqual(first);
    expect(await store.autonomyPromotions({ agentId: "bot", status: "requested" }, 10)).toEqual([first]);

    // Superseded, the pair may ask again.
    expect((await commit([{ kind: "supersedePromotion", id: first.id, expectVersion: 1 }])).ok).toBe(true);
    expect((await commit([{ kind: "supersedePromotion", id: first.id, expectVersion: 1 }])).ok).toBe(false);
    expect((await commit([{ kind: "insertPromotion", row: promotion() }])).ok).toBe(true);
  });

  it("approves a promotion and changes the stage with the policy version inserted beside it", async () => {
    const row = promotion();
    await commit([{ kind: "insertPromotion", row }]);
    const applied = change({ promotionId: row.id });
    const result = await commit([
      {
        kind: "insertPolicy",
        row: { text: "version: 1", hash: "h1", createdAt: at(10), createdBy: "olivia" },
      },
      {
        kind: "approvePromotion",
        id: row.id,
        expectVersion: 1,
        expectPolicyVersion: 2,
        approvedBy: { ...OLIVIA, at: at(10) },
      },
      { kind: "changeStage", row: applied, expectChangeId: null },
    ]);
    expect(result).toMatchObject({ ok: true, policyVersion: 2 });
    expect(await store.autonomyPromotion(row.id)).toMatchObject({
      status: "approved",
      policyVersion: 2,
      version: 2,
    });
    expect(await store.autonomyStages()).toEqual([
      {
        agentId: "bot",
        actionType: "crm.update",
        stage: "threshold",
        changeId: applied.id,
        policyVersion: 2,
        changedAt: at(10),
      },
    ]);
    expect((await store.autonomyChanges({}, 10)).items).toEqual([{ ...applied, policyVersion: 2 }]);
    await verifiedAuditChain(store);
  });

  it("applies a stage change only over the stage row read: of two demotions one wins, nothing half-written", async () => {
    const first = change();
    await commit([{ kind: "changeStage", row: first, expectChangeId: null }]);
    const demote = (id: string) =>
      commit([
        {
          kind: "insertPolicy",
          row: { text: "version: 1", hash: "h1", createdAt: at(20), createdBy: "loopgate" },
        },
        {
          kind: "changeStage",
          row: change({ id, kind: "demotion", from: "threshold", to: "review_all", by: null, at: at(20) }),
          expectChangeId: first.id,
        },
      ]);
    const [a, b] = await Promise.all([demote(testId("chg")), demote(testId("chg"))]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const page = await store.autonomyChanges({ agentId: "bot" }, 10);
    expect(page.items.map((c) => c.kind)).toEqual(["demotion", "promotion"]);
    expect((await store.autonomyStages())[0]?.stage).toBe("review_all");
    expect((await store.activePolicy())?.version).toBe(2);
    // A second insert for a pair that already has a stage row is refused.
    expect((await commit([{ kind: "changeStage", row: change(), expectChangeId: null }])).ok).toBe(false);
  });

  it("pages changes newest first", async () => {
    let expect_: string | null = null;
    for (let i = 0; i < 5; i++) {
      const row = change({
        at: at(100 + i),
        from: i % 2 ? "threshold" : "review_all",
        to: i % 2 ? "review_all" : "threshold",
      });
      await commit([{ kind: "changeStage", row, expectChangeId: expect_ }]);
      expect_ = row.id;
    }
    const first = await store.autonomyChanges({ actionType: "crm.update" }, 2);
    const second = await store.autonomyChanges({ actionType: "crm.update" }, 2, first.nextCursor!);
    const third = await store.autonomyChanges({ actionType: "crm.update" }, 2, second.nextCursor!);
    expect([...first.items, ...second.items, ...third.items].map((c) => c.at)).toEqual(
      [104, 103, 102, 101, 100].map(at),
    );
    expect(third.nextCursor).toBeNull();
  });

  it("stores outcomes and counts incidents and executions within a window", async () => {
    const proposal = proposalRow({ agentId: "bot", actionType: "crm.update" });
    const outcome: OutcomeRow = {
      id: testId("out"),
      proposalId: proposal.id,
      agentId: "bot",
      actionType: "crm.update",
      kind: "incident",
      severity: "high",
      comment: "wrong record",
      recordedBy: { kind: "user", ...OLIVIA },
      at: at(40),
    };
    await commit([
      { kind: "insertProposal", row: proposal },
      { kind: "insertExecution", row: execution(proposal.id) },
      { kind: "insertOutcome", row: outcome },
    ]);
    for (const [status, updatedAt] of [
      ["failed", at(35)],
      ["dead_lettered", at(36)],
      ["executed", at(5_000)],
      ["queued", at(37)],
    ] as const) {
      const other = proposalRow({ agentId: "bot", actionType: "crm.update" });
      await commit([
        { kind: "insertProposal", row: other },
        { kind: "insertExecution", row: execution(other.id, { status, updatedAt }) },
        ...(status === "failed"
          ? [
              {
                kind: "insertExecution" as const,
                row: execution(other.id, {
                  kind: "rollback",
                  status: "executed",
                  createdAt: at(38),
                  updatedAt: at(39),
                }),
              },
            ]
          : []),
      ]);
    }
    expect(await store.outcomesOfProposal(proposal.id)).toEqual([outcome]);
    expect(await store.incidentCount("bot", "crm.update", at(0), at(100))).toBe(1);
    expect(await store.incidentCount("bot", "crm.update", at(50), at(100))).toBe(0);
    expect(await store.executionCounts("bot", "crm.update", at(0), at(100))).toEqual({
      finished: 3,
      succeeded: 1,
      failed: 2,
      rollbacks: 1,
    });
    expect(await store.executionCounts("other", "crm.update", at(0), at(100))).toEqual({
      finished: 0,
      succeeded: 0,
      failed: 0,
      rollbacks: 0,
    });
  });
});
