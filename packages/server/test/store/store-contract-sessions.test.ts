import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Change, CommitResult, ProposalRow, SessionRow, Store } from "../../src/store/store.ts";
import { at, auditDraft, proposalRow, reviewRow, testId, userRow } from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";

/** Sessions, passwords and the reviewer app's reads (migration 0004), on SQLite and on PostgreSQL. */
describe.each(storeEngines())("Store contract, sessions and the review desk: %s", (engine) => {
  let db: TestStore;
  let store: Store;

  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
  });
  afterEach(async () => {
    await db.cleanup();
  });

  const ok = async (change: Change): Promise<Extract<CommitResult, { ok: true }>> => {
    const result = await store.commit(change);
    if (!result.ok) throw new Error(`expected the change to commit, got ${JSON.stringify(result.conflict)}`);
    return result;
  };

  const sessionRow = (userId: string, overrides: Partial<SessionRow> = {}): SessionRow => ({
    id: testId("session"),
    tokenHash: testId("hash"),
    userId,
    createdAt: at(0),
    lastSeenAt: at(0),
    expiresAt: at(3600),
    endedAt: null,
    ...overrides,
  });

  it("stores a session and finds it by its token hash, and nothing for an unknown hash", async () => {
    const user = userRow();
    const session = sessionRow(user.id);
    await ok({
      writes: [
        { kind: "insertUser", row: user },
        { kind: "insertSession", row: session },
      ],
      audit: [auditDraft("session.started", null)],
    });
    expect(await store.sessionByTokenHash(session.tokenHash)).toEqual(session);
    expect(await store.sessionByTokenHash("unknown")).toBeNull();
  });

  it("refuses a second session with the same token hash, writing nothing of that change", async () => {
    const user = userRow();
    const session = sessionRow(user.id);
    await ok({
      writes: [
        { kind: "insertUser", row: user },
        { kind: "insertSession", row: session },
      ],
      audit: [],
    });
    const head = await store.auditHead();
    const again = await store.commit({
      writes: [{ kind: "insertSession", row: { ...session, id: testId("session") } }],
      audit: [auditDraft("session.started", null)],
    });
    expect(again).toEqual({
      ok: false,
      conflict: { kind: "duplicate", table: "sessions", id: expect.any(String) },
    });
    expect(await store.auditHead()).toEqual(head);
  });

  it("touches the last-seen time forwards only, and ends a session once", async () => {
    const user = userRow();
    const session = sessionRow(user.id);
    await ok({
      writes: [
        { kind: "insertUser", row: user },
        { kind: "insertSession", row: session },
      ],
      audit: [],
    });

    await ok({ writes: [{ kind: "touchSession", id: session.id, lastSeenAt: at(120) }], audit: [] });
    // A slower request arriving later with an older time leaves the newer one (and is no conflict).
    await ok({ writes: [{ kind: "touchSession", id: session.id, lastSeenAt: at(60) }], audit: [] });
    expect((await store.sessionByTokenHash(session.tokenHash))?.lastSeenAt).toBe(at(120));

    await ok({ writes: [{ kind: "endSession", id: session.id, endedAt: at(200) }], audit: [] });
    expect((await store.sessionByTokenHash(session.tokenHash))?.endedAt).toBe(at(200));

    expect(
      await store.commit({ writes: [{ kind: "endSession", id: session.id, endedAt: at(300) }], audit: [] }),
    ).toEqual({
      ok: false,
      conflict: { kind: "missing", table: "sessions", id: session.id },
    });
    expect(
      await store.commit({
        writes: [{ kind: "touchSession", id: session.id, lastSeenAt: at(400) }],
        audit: [],
      }),
    ).toEqual({
      ok: false,
      conflict: { kind: "missing", table: "sessions", id: session.id },
    });
    expect((await store.sessionByTokenHash(session.tokenHash))?.endedAt).toBe(at(200));
  });

  it("sets a password on an existing user, refuses an unknown one, and lists people by name", async () => {
    const bea = userRow({ name: "bea" });
    const al = userRow({ name: "al", passwordHash: null });
    await ok({
      writes: [
        { kind: "insertUser", row: bea },
        { kind: "insertUser", row: al },
      ],
      audit: [],
    });
    await ok({
      writes: [{ kind: "setUserPassword", id: al.id, passwordHash: "scrypt$x" }],
      audit: [auditDraft("user.password_set", null)],
    });
    expect((await store.user(al.id))?.passwordHash).toBe("scrypt$x");
    const missing = await store.commit({
      writes: [{ kind: "setUserPassword", id: "nobody", passwordHash: "scrypt$y" }],
      audit: [auditDraft("user.password_set", null)],
    });
    expect(missing).toEqual({ ok: false, conflict: { kind: "missing", table: "users", id: "nobody" } });
    expect((await store.listUsers()).map((u) => u.name)).toEqual(["al", "bea"]);
  });

  it("lists an entity's proposals newest first, page by page, and no one else's", async () => {
    const mine = [0, 1, 2].map((i) =>
      proposalRow({
        createdAt: at(i * 10),
        doc: { ...proposalRow().doc, context: { entity: "customer:c_1" } },
      }),
    );
    const other = proposalRow({
      createdAt: at(5),
      doc: { ...proposalRow().doc, context: { entity: "customer:c_2" } },
    });
    for (const row of [...mine, other]) {
      await ok({
        writes: [{ kind: "insertProposal", row }],
        audit: [auditDraft("proposal.created", row.id)],
      });
    }
    const first = await store.proposalsOfEntity("customer:c_1", 2);
    expect(first.items.map((p) => p.id)).toEqual([mine[2]!.id, mine[1]!.id]);
    expect(first.nextCursor).not.toBeNull();
    const second = await store.proposalsOfEntity("customer:c_1", 2, first.nextCursor!);
    expect(second).toEqual({ items: [mine[0]], nextCursor: null });
    expect((await store.proposalsOfEntity("customer:none", 10)).items).toEqual([]);
  });

  it("lists an agent's proposals of a type that people decided, newest first, up to the limit", async () => {
    const statuses: ProposalRow["status"][] = [
      "approved",
      "rejected",
      "pending_review",
      "approved_with_edits",
      "auto_approved",
      "handled_manually",
      "approved",
    ];
    const rows = statuses.map((status, i) => proposalRow({ status, createdAt: at(i * 10) }));
    const otherAgent = proposalRow({ status: "approved", agentId: "agent_other", createdAt: at(100) });
    const otherType = proposalRow({ status: "rejected", actionType: "billing.refund", createdAt: at(110) });
    for (const row of [...rows, otherAgent, otherType]) {
      await ok({
        writes: [{ kind: "insertProposal", row }],
        audit: [auditDraft("proposal.created", row.id)],
      });
    }
    const decided = [6, 5, 3, 1, 0].map((i) => rows[i]!.id);
    const all = await store.decidedProposalsOfPair("agent_support", "support.reply", 10);
    expect(all.map((p) => p.id)).toEqual(decided);
    expect(all[0]).toEqual(rows[6]);
    const two = await store.decidedProposalsOfPair("agent_support", "support.reply", 2);
    expect(two.map((p) => p.id)).toEqual(decided.slice(0, 2));
    expect(await store.decidedProposalsOfPair("agent_support", "card.freeze", 10)).toEqual([]);
    expect(await store.decidedProposalsOfPair("agent_support", "support.reply", 0)).toEqual([]);
  });

  it("follows a revision that changes the entity; a numeric entity is found by its text", async () => {
    const row = proposalRow({ doc: { ...proposalRow().doc, context: { entity: "customer:c_1" } } });
    const numeric = proposalRow({ createdAt: at(1), doc: { ...proposalRow().doc, context: { entity: 42 } } });
    const none = proposalRow({ createdAt: at(2), doc: { ...proposalRow().doc, context: {} } });
    for (const p of [row, numeric, none]) {
      await ok({
        writes: [{ kind: "insertProposal", row: p }],
        audit: [auditDraft("proposal.created", p.id)],
      });
    }
    await ok({
      writes: [
        {
          kind: "updateProposal",
          id: row.id,
          expectVersion: row.version,
          set: { doc: { ...row.doc, revision: 2, context: { entity: "customer:c_9" } }, updatedAt: at(5) },
        },
      ],
      audit: [auditDraft("proposal.revised", row.id)],
    });
    expect((await store.proposalsOfEntity("customer:c_1", 10)).items).toEqual([]);
    expect((await store.proposalsOfEntity("customer:c_9", 10)).items.map((p) => p.id)).toEqual([row.id]);
    expect((await store.proposalsOfEntity("42", 10)).items.map((p) => p.id)).toEqual([numeric.id]);

    // A document update that keeps the context (a decision's final payload) keeps the entity; one that
    // drops it takes the proposal out of the entity's list.
    await ok({
      writes: [
        {
          kind: "updateProposal",
          id: numeric.id,
          expectVersion: numeric.version,
          set: {
            doc: { ...numeric.doc, finalPayload: { text: "edited" } },
            status: "approved",
            updatedAt: at(6),
          },
        },
        {
          kind: "updateProposal",
          id: row.id,
          expectVersion: row.version + 1,
          set: { doc: { ...row.doc, revision: 3, context: {} }, updatedAt: at(7) },
        },
      ],
      audit: [auditDraft("decision.recorded", numeric.id)],
    });
    expect((await store.proposalsOfEntity("42", 10)).items.map((p) => [p.id, p.status])).toEqual([
      [numeric.id, "approved"],
    ]);
    expect((await store.proposalsOfEntity("customer:c_9", 10)).items).toEqual([]);
  });

  it("summarises open reviews per queue: count, oldest, next due; closed reviews and other queues left out", async () => {
    const seed = async (
      queue: string,
      createdAt: string,
      dueAt: string,
      status: "pending" | "decided" = "pending",
    ) => {
      const proposal = proposalRow({ createdAt });
      await ok({
        writes: [
          { kind: "insertProposal", row: proposal },
          { kind: "insertReview", row: reviewRow(proposal, { queue, createdAt, dueAt, status }) },
        ],
        audit: [auditDraft("proposal.created", proposal.id)],
      });
    };
    await seed("support", at(10), at(1000));
    await seed("support", at(0), at(2000));
    await seed("billing", at(5), at(500));
    await seed("billing", at(1), at(100), "decided");
    expect(await store.queueSummary()).toEqual([
      { queue: "billing", open: 1, oldestAt: at(5), nextDueAt: at(500) },
      { queue: "support", open: 2, oldestAt: at(0), nextDueAt: at(1000) },
    ]);
    expect((await store.queueSummary(["support"])).map((q) => q.queue)).toEqual(["support"]);
    expect(await store.queueSummary([])).toEqual([]);
  });
});
