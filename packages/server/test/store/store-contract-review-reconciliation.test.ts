import type { ReviewReconciliation } from "@loopgate/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/store.ts";
import { auditDraft, proposalRow, reviewRow } from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, storeWrittenBefore, type TestStore } from "../support/stores.ts";

/**
 * What a reconciliation review settles (migration 0021), on SQLite and on PostgreSQL: stored with the
 * review when it opens and read back by every review read, the list included; and on reviews written
 * before the migration, filled from the executions that name them.
 */
describe.each(storeEngines())("Store contract, a review's reconciliation: %s", (engine) => {
  let db: TestStore;
  let store: Store;

  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
  });
  afterEach(() => db.cleanup());

  it("keeps it on the review, through the review, the proposal's reviews and the list", async () => {
    const proposal = proposalRow();
    const reconciliation: ReviewReconciliation = {
      executionId: "exec_1",
      kind: "rollback",
      outcome: "dead_lettered",
    };
    const ordinary = reviewRow(proposal, { dueAt: "2026-11-23T13:00:00.000Z" });
    const reconciling = reviewRow(proposal, { dueAt: "2026-11-23T14:00:00.000Z", reconciliation });
    const result = await store.commit({
      writes: [
        { kind: "insertProposal", row: proposal },
        { kind: "insertReview", row: ordinary },
        { kind: "insertReview", row: reconciling },
      ],
      audit: [auditDraft("test.change", proposal.id)],
    });
    expect(result.ok).toBe(true);

    expect(await store.review(reconciling.id)).toEqual(reconciling);
    expect((await store.review(ordinary.id))?.reconciliation).toBeNull();
    const ofProposal = await store.reviewsOfProposal(proposal.id);
    expect(ofProposal.map((r) => r.reconciliation)).toEqual(
      ofProposal.map((r) => (r.id === reconciling.id ? reconciliation : null)),
    );
    const listed = await store.listReviews({}, 10);
    expect(listed.items.map((r) => [r.id, r.reconciliation])).toEqual([
      [ordinary.id, null],
      [reconciling.id, reconciliation],
    ]);
  });
});

describe.each(storeEngines())("Migration 0021, the review's reconciliation: %s", (engine) => {
  it("fills it on the reviews executions name, from the execution and the server's summary", async () => {
    const reviews = [
      // Still unsettled: the execution's status says why the review opened.
      {
        id: "r_open",
        summary: "Reconcile mail.send: outcome unknown (timeout); decide …",
        status: "pending",
      },
      // Settled since: the summary the server wrote says it.
      {
        id: "r_unknown",
        summary: "Reconcile mail.send: outcome unknown (reset); decide …",
        status: "decided",
      },
      {
        id: "r_failed",
        summary: "Reconcile the rollback of mail.send: delivery failed (HTTP 500); decide …",
        status: "decided",
      },
      // Named by no execution (an agent's own words): an ordinary review.
      { id: "r_plain", summary: "Reconcile mail.send: outcome unknown (my words)", status: "pending" },
    ];
    const executions = [
      { id: "e_open", kind: "execute", status: "unknown", review: "r_open" },
      { id: "e_unknown", kind: "execute", status: "executed", review: "r_unknown" },
      { id: "e_failed", kind: "rollback", status: "failed", review: "r_failed" },
      { id: "e_none", kind: "execute", status: "executed", review: null },
    ];
    const { store, cleanup } = await storeWrittenBefore(engine, 21, async (run) => {
      // A proposal each: one execution of each kind per proposal.
      for (const id of ["p_open", "p_unknown", "p_failed", "p_plain", "p_none"]) {
        await run(
          `INSERT INTO proposals (id, agent_id, action_type, status, execution_status, request_hash,
            policy_version, version, created_at, updated_at, doc) VALUES (?, 'bot', 'mail.send',
            'approved', 'unknown', 'h', 1, 1, ?, ?, '{}')`,
          [id, "2026-11-23T12:00:00.000Z", "2026-11-23T12:00:00.000Z"],
        );
      }
      for (const r of reviews) {
        await run(
          `INSERT INTO reviews (id, proposal_id, queue, status, level, priority, due_at, approvals_required,
            approvers, action_type, agent_id, summary, policy_version, version, created_at, updated_at)
            VALUES (?, ?, 'ops', ?, 0, 100, ?, 1, '[]', 'mail.send', 'bot', ?, 1, 1, ?, ?)`,
          [
            r.id,
            r.id.replace("r_", "p_"),
            r.status,
            "2026-11-23T16:00:00.000Z",
            r.summary,
            "2026-11-23T12:00:00.000Z",
            "2026-11-23T12:00:00.000Z",
          ],
        );
      }
      for (const e of executions) {
        await run(
          `INSERT INTO executions (id, proposal_id, kind, agent_id, action_type, status, attempts,
            reconciliation_review_id, version, created_at, updated_at, doc)
            VALUES (?, ?, ?, 'bot', 'mail.send', ?, 1, ?, 1, ?, ?, '{}')`,
          [
            e.id,
            e.id.replace("e_", "p_"),
            e.kind,
            e.status,
            e.review,
            "2026-11-23T12:00:00.000Z",
            "2026-11-23T12:00:00.000Z",
          ],
        );
      }
    });
    try {
      await store.migrate();
      const byId: Record<string, unknown> = {};
      for (const r of reviews) byId[r.id] = (await store.review(r.id))?.reconciliation;
      expect(byId).toEqual({
        r_open: { executionId: "e_open", kind: "execute", outcome: "unknown" },
        r_unknown: { executionId: "e_unknown", kind: "execute", outcome: "unknown" },
        r_failed: { executionId: "e_failed", kind: "rollback", outcome: "dead_lettered" },
        r_plain: null,
      });
    } finally {
      await store.close();
      await cleanup();
    }
  });
});
