import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExecutionRow } from "../../src/store/execution-rows.ts";
import type { Change, ProposalRow, Store } from "../../src/store/store.ts";
import { verifiedAuditChain } from "../support/audit-chain.ts";
import {
  auditDraft,
  changeOf,
  proposalRow,
  proposeChange,
  submissionChange,
  testId,
  userRow,
} from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";

const proposalOf = (change: Change) => (change.writes[0] as { row: { id: string } }).row.id;
const reviewOf = (change: Change) => (change.writes[1] as { row: { id: string } }).row.id;

/**
 * Submissions committed together are written in bulk (bulk-submissions.ts); they must behave exactly
 * as if written one by one.
 */
describe.each(storeEngines())("Store contract, submissions in one batch: %s", (engine) => {
  let db: TestStore;
  let store: Store;
  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
  });
  afterEach(async () => db.cleanup());

  it("writes each proposal and review, refuses used keys, and chains the audit in batch order", async () => {
    const earlier = proposeChange(proposalRow({ idempotencyKey: "used" }));
    expect((await store.commit(earlier)).ok).toBe(true);

    const batch = [
      submissionChange("k-1"),
      submissionChange(),
      submissionChange("used"),
      changeOf([{ kind: "insertUser", row: userRow() }], "user.created"),
      submissionChange("k-1"),
      submissionChange("k-2"),
    ];
    const results = await Promise.all(batch.map((change) => store.commit(change)));
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true, false, true]);
    expect(results[2]).toEqual({
      ok: false,
      conflict: {
        kind: "idempotency",
        agentId: "agent_support",
        key: "used",
        existingId: proposalOf(earlier),
      },
    });
    expect(results[4]).toMatchObject({
      ok: false,
      conflict: { kind: "idempotency", existingId: proposalOf(batch[0]!) },
    });

    for (const [i, change] of batch.entries()) {
      if (change.writes[0]?.kind !== "insertProposal") continue;
      const written = results[i]!.ok;
      expect((await store.proposal(proposalOf(change))) !== null).toBe(written);
      expect((await store.review(reviewOf(change))) !== null).toBe(written);
    }

    // Entries follow the batch order, and a refused change appends nothing.
    const chain = await verifiedAuditChain(store);
    const appended = chain.slice(1).map((e) => e.type);
    expect(appended).toEqual([
      ...["proposal.submitted", "proposal.routed", "review.opened"],
      ...["proposal.submitted", "proposal.routed", "review.opened"],
      "user.created",
      ...["proposal.submitted", "proposal.routed", "review.opened"],
    ]);
    results.forEach((result) => {
      if (result.ok)
        for (const entry of result.audit) expect(chain.find((e) => e.seq === entry.seq)).toEqual(entry);
    });
  });

  it("writes the amounts of submissions that carry one, and none of a refused submission", async () => {
    const withAmount = (entity: string, amount: number, idempotencyKey: string | null = null): Change => {
      const change = submissionChange(idempotencyKey);
      const proposal = (change.writes[0] as { row: ProposalRow }).row;
      const row = {
        proposalId: proposal.id,
        actionType: "billing.refund",
        entity,
        amount,
        createdAt: proposal.createdAt,
      };
      change.writes.splice(1, 0, { kind: "insertProposalAmount", row });
      return change;
    };
    const batch = [
      withAmount("customer:c_1", 10, "a-1"),
      submissionChange(),
      withAmount("customer:c_1", 20, "a-1"),
      withAmount("customer:c_2", 30),
    ];
    const results = await Promise.all(batch.map((change) => store.commit(change)));
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true]);
    const since = "2000-01-01T00:00:00.000Z";
    expect(
      (await store.amountsOfEntity("billing.refund", "customer:c_1", since, 10)).map((a) => a.amount),
    ).toEqual([10]);
    expect(
      (await store.amountsOfEntity("billing.refund", "customer:c_2", since, 10)).map((a) => a.proposalId),
    ).toEqual([proposalOf(batch[3]!)]);
    for (const change of [batch[0]!, batch[3]!]) {
      expect(await store.review((change.writes[2] as { row: { id: string } }).row.id)).not.toBeNull();
    }
    await verifiedAuditChain(store);
  });

  it("writes the execution an auto-approved submission queues, and none of a refused one", async () => {
    const autoApproved = (idempotencyKey: string | null): Change => {
      const proposal = proposalRow({ idempotencyKey, status: "auto_approved" });
      const execution: ExecutionRow = {
        id: testId("exec"),
        proposalId: proposal.id,
        kind: "execute",
        agentId: proposal.agentId,
        actionType: proposal.actionType,
        status: "queued",
        attempts: 0,
        nextAttemptAt: proposal.createdAt,
        leaseOwner: null,
        leaseExpiresAt: null,
        reconciliationReviewId: null,
        rollbackOf: null,
        version: 1,
        createdAt: proposal.createdAt,
        updatedAt: proposal.createdAt,
        doc: {
          action: proposal.doc.action,
          decision: null,
          executor: { via: "agent" },
          traceparent: null,
          lastError: null,
          lastStatusCode: null,
        } as ExecutionRow["doc"],
      };
      return {
        writes: [
          { kind: "insertProposal", row: proposal },
          { kind: "insertExecution", row: execution },
        ],
        audit: [auditDraft("proposal.submitted", proposal.id), auditDraft("proposal.routed", proposal.id)],
      };
    };
    const executionOf = (change: Change) => (change.writes[1] as { row: ExecutionRow }).row.id;
    const batch = [autoApproved("e-1"), submissionChange(), autoApproved("e-1"), autoApproved(null)];
    const results = await Promise.all(batch.map((change) => store.commit(change)));
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true]);
    expect((await store.execution(executionOf(batch[0]!)))?.proposalId).toBe(proposalOf(batch[0]!));
    expect(await store.execution(executionOf(batch[2]!))).toBeNull();
    expect((await store.execution(executionOf(batch[3]!)))?.status).toBe("queued");
    await verifiedAuditChain(store);
  });

  it("confines an unexpected failure to its own submission", async () => {
    const first = submissionChange();
    expect((await store.commit(first)).ok).toBe(true);
    const clash = submissionChange();
    // A review id already taken: the bulk insert fails, and the batch is written again one by one.
    (clash.writes[1] as { row: { id: string } }).row.id = reviewOf(first);
    const batch = [submissionChange(), clash, submissionChange()];
    const results = await Promise.all(batch.map((change) => store.commit(change)));
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ ok: false, conflict: { kind: "duplicate", table: "reviews" } });
    expect(await store.proposal(proposalOf(clash))).toBeNull();
    await verifiedAuditChain(store);
  });
});
