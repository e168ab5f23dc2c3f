import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AuditInterest } from "../../src/store/audit-follow.ts";
import { InvalidCursorError } from "../../src/store/cursor.ts";
import type { Change, CommitResult, ReviewRow, Store } from "../../src/store/store.ts";
import { readAuditChain, verifiedAuditChain } from "../support/audit-chain.ts";
import {
  apiKeyRow,
  at,
  auditDraft,
  changeOf,
  decisionRow,
  proposalRow,
  proposeChange,
  reviewRow,
  T0,
  userRow,
} from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";

/** The one contract both engines pass (SPEC §9): every test runs on SQLite and on PostgreSQL. */
describe.each(storeEngines())("Store contract: %s", (engine) => {
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

  /** A proposal with one review, committed. */
  const seedReview = async (review: Partial<ReviewRow> = {}, proposal = proposalRow()) => {
    const row = reviewRow(proposal, review);
    await ok({
      writes: [
        { kind: "insertProposal", row: proposal },
        { kind: "insertReview", row },
      ],
      audit: [auditDraft("proposal.created", proposal.id)],
    });
    return row;
  };

  describe("migrations", () => {
    it("can run again, and from two stores at once, without harm", async () => {
      await ok(proposeChange());
      const other = await db.openAnother();
      await Promise.all([store.migrate(), other.migrate(), store.migrate()]);
      expect(await readAuditChain(store)).toHaveLength(1);
    });
  });

  describe("rows", () => {
    it("stores a proposal and reads it back by id and by idempotency key", async () => {
      const proposal = proposalRow({ idempotencyKey: "key-1", infoDueAt: at(10) });
      const result = await ok(proposeChange(proposal));
      expect(result.audit).toHaveLength(1);
      expect(result.policyVersion).toBeUndefined();
      expect(await store.proposal(proposal.id)).toEqual(proposal);
      expect(await store.proposalByIdempotencyKey(proposal.agentId, "key-1")).toEqual(proposal);
      expect(await store.proposalByIdempotencyKey("another_agent", "key-1")).toBeNull();
      expect(await store.proposal("missing")).toBeNull();
    });

    it("stores reviews and decisions of a proposal", async () => {
      const proposal = proposalRow();
      const first = reviewRow(proposal, { claimedBy: { id: "u1", name: "Ann" }, claimExpiresAt: at(300) });
      const second = reviewRow(proposal, {
        createdAt: at(5),
        level: 1,
        status: "escalated",
        approvers: [{ id: "u2", name: "Bo", at: at(4) }],
        summary: null,
      });
      const decision = decisionRow(first);
      const bare = decisionRow(second, {
        at: at(120),
        category: "wrong_amount",
        payload: null,
        packetHash: null,
      });
      await ok({
        writes: [
          { kind: "insertProposal", row: proposal },
          { kind: "insertReview", row: first },
          { kind: "insertReview", row: second },
          { kind: "insertDecision", row: decision },
          { kind: "insertDecision", row: bare },
        ],
        audit: [],
      });
      expect(await store.review(first.id)).toEqual(first);
      expect(await store.review(second.id)).toEqual(second);
      expect(await store.review("missing")).toBeNull();
      expect(await store.reviewsOfProposal(proposal.id)).toEqual([first, second]);
      expect(await store.decisionsOfProposal(proposal.id)).toEqual([decision, bare]);
      expect(await store.decisionsOfProposal("missing")).toEqual([]);
    });

    it("stores users and API keys", async () => {
      const ann = userRow({ name: "ann", role: "owner", queues: [], pii: true, passwordHash: null });
      const bo = userRow({ name: "bo" });
      const agentKey = apiKeyRow();
      const ownerKey = apiKeyRow({ role: "owner", actions: null, userId: ann.id, expiresAt: at(86_400) });
      await ok(
        changeOf([
          { kind: "insertUser", row: ann },
          { kind: "insertUser", row: bo },
          { kind: "insertApiKey", row: agentKey },
          { kind: "insertApiKey", row: ownerKey },
        ]),
      );
      expect(await store.user(ann.id)).toEqual(ann);
      expect(await store.userByName("bo")).toEqual(bo);
      expect(await store.userByName("nobody")).toBeNull();
      expect(await store.apiKeyByHash(agentKey.hash)).toEqual(agentKey);
      expect(await store.apiKeyByHash(ownerKey.hash)).toEqual(ownerKey);
      expect(await store.apiKeyByHash("f".repeat(64))).toBeNull();
    });

    it("numbers policies 1, 2, … and serves the newest as active", async () => {
      expect(await store.activePolicy()).toBeNull();
      const policy = (text: string) => ({
        text,
        hash: text.padEnd(64, "0"),
        createdAt: T0,
        createdBy: "user_ann",
      });
      const first = await ok(changeOf([{ kind: "insertPolicy", row: policy("one") }], "policy.updated"));
      const [second, third] = await Promise.all([
        ok(changeOf([{ kind: "insertPolicy", row: policy("two") }])),
        ok(changeOf([{ kind: "insertPolicy", row: policy("three") }])),
      ]);
      expect([first.policyVersion, second.policyVersion, third.policyVersion]).toEqual([1, 2, 3]);
      expect(await store.activePolicy()).toEqual({ version: 3, ...policy("three") });
      expect(await store.policyVersion(1)).toEqual({ version: 1, ...policy("one") });
      expect(await store.policyVersion(9)).toBeNull();
    });
  });

  describe("optimistic concurrency", () => {
    it("applies an update at the expected version and increments it", async () => {
      const review = await seedReview();
      const proposal = (await store.proposal(review.proposalId))!;
      const doc = { ...proposal.doc, finalPayload: { to: "ada@example.com", body: "Edited" } };
      await ok({
        writes: [
          {
            kind: "updateProposal",
            id: proposal.id,
            expectVersion: 1,
            set: { status: "needs_info", infoDueAt: at(900), updatedAt: at(1), doc },
          },
          {
            kind: "updateReview",
            id: review.id,
            expectVersion: 1,
            set: { claimedBy: { id: "u1", name: "Ann" }, claimExpiresAt: at(300), approvers: [], level: 2 },
          },
        ],
        audit: [auditDraft("review.claimed", proposal.id)],
      });
      expect(await store.proposal(proposal.id)).toEqual({
        ...proposal,
        status: "needs_info",
        infoDueAt: at(900),
        updatedAt: at(1),
        doc,
        version: 2,
      });
      expect(await store.review(review.id)).toEqual({
        ...review,
        claimedBy: { id: "u1", name: "Ann" },
        claimExpiresAt: at(300),
        level: 2,
        version: 2,
      });

      await ok(
        changeOf([{ kind: "updateReview", id: review.id, expectVersion: 2, set: { claimedBy: null } }]),
      );
      expect(await store.review(review.id)).toMatchObject({ claimedBy: null, version: 3 });
    });

    it("refuses a stale version and writes nothing of that change, while the rest of the batch commits", async () => {
      const review = await seedReview();
      await ok(changeOf([{ kind: "updateReview", id: review.id, expectVersion: 1, set: { priority: 5 } }]));

      const before = proposalRow();
      const loser = proposalRow();
      const after = proposalRow();
      const stale: Change = {
        writes: [
          { kind: "insertProposal", row: loser },
          { kind: "updateReview", id: review.id, expectVersion: 1, set: { status: "decided" } },
        ],
        audit: [auditDraft("proposal.created", loser.id), auditDraft("review.decided", loser.id)],
      };
      // Issued in one turn of the event loop, the three share one group-commit transaction.
      const results = await Promise.all([
        store.commit(proposeChange(before)),
        store.commit(stale),
        store.commit(proposeChange(after)),
      ]);
      expect(results.map((r) => r.ok)).toEqual([true, false, true]);
      expect(results[1]).toEqual({
        ok: false,
        conflict: { kind: "version", table: "reviews", id: review.id },
      });
      expect(await store.proposal(loser.id)).toBeNull();
      expect(await store.proposal(before.id)).not.toBeNull();
      expect(await store.proposal(after.id)).not.toBeNull();
      expect(await store.review(review.id)).toMatchObject({ status: "pending", priority: 5, version: 2 });

      const chain = await verifiedAuditChain(store);
      expect(chain.map((e) => e.proposalId)).not.toContain(loser.id);
      expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      const committed = results.flatMap((r) => (r.ok ? r.audit : []));
      expect(chain.slice(2)).toEqual(committed);
    });

    it("treats an update of a missing row as a version conflict", async () => {
      const result = await store.commit(
        changeOf([{ kind: "updateProposal", id: "missing", expectVersion: 1, set: { status: "cancelled" } }]),
      );
      expect(result).toEqual({ ok: false, conflict: { kind: "version", table: "proposals", id: "missing" } });
      expect(await store.auditHead()).toBeNull();
    });

    it("lets exactly one of 50 concurrent updates at the same version win", async () => {
      const review = await seedReview();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.commit({
            writes: [
              {
                kind: "updateReview",
                id: review.id,
                expectVersion: 1,
                set: { status: "decided", claimedBy: { id: `u${i}`, name: `Reviewer ${i}` } },
              },
            ],
            audit: [auditDraft("review.decided", review.proposalId, { by: i })],
          }),
        ),
      );
      const winners = results.flatMap((r, i) => (r.ok ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const r of results) {
        if (!r.ok) expect(r.conflict).toEqual({ kind: "version", table: "reviews", id: review.id });
      }
      expect(await store.review(review.id)).toMatchObject({
        status: "decided",
        version: 2,
        claimedBy: { id: `u${winners[0]}`, name: `Reviewer ${winners[0]}` },
      });
      expect(await verifiedAuditChain(store)).toHaveLength(2);
    });
  });

  describe("unique constraints", () => {
    it("reports an idempotency key already used by the agent, with the existing proposal", async () => {
      const first = proposalRow({ idempotencyKey: "order-7" });
      await ok(proposeChange(first));
      const replay = proposalRow({ idempotencyKey: "order-7" });
      expect(await store.commit(proposeChange(replay))).toEqual({
        ok: false,
        conflict: { kind: "idempotency", agentId: first.agentId, key: "order-7", existingId: first.id },
      });
      // The same key from another agent, and proposals without a key, are independent.
      await ok(proposeChange(proposalRow({ idempotencyKey: "order-7", agentId: "agent_billing" })));
      await ok(proposeChange(proposalRow()));
      await ok(proposeChange(proposalRow()));
      expect(await store.proposal(replay.id)).toBeNull();
    });

    it("reports two proposals racing with one key in the same batch", async () => {
      const rows = Array.from({ length: 5 }, () => proposalRow({ idempotencyKey: "same" }));
      const results = await Promise.all(rows.map((row) => store.commit(proposeChange(row))));
      const winner = rows[results.findIndex((r) => r.ok)]!;
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      for (const r of results) {
        if (!r.ok) expect(r.conflict).toMatchObject({ kind: "idempotency", existingId: winner.id });
      }
      expect(await verifiedAuditChain(store)).toHaveLength(1);
    });

    it("reports duplicates of ids, user names and key hashes without writing anything", async () => {
      const proposal = proposalRow();
      const user = userRow({ name: "ann" });
      const key = apiKeyRow();
      await ok({
        writes: [
          { kind: "insertProposal", row: proposal },
          { kind: "insertUser", row: user },
          { kind: "insertApiKey", row: key },
        ],
        audit: [],
      });
      const sameName = userRow({ name: "ann" });
      const sameHash = apiKeyRow({ hash: key.hash });
      const cases: [Change, unknown][] = [
        [
          proposeChange(proposalRow({ id: proposal.id })),
          { kind: "duplicate", table: "proposals", id: proposal.id },
        ],
        [
          changeOf([{ kind: "insertUser", row: sameName }]),
          { kind: "duplicate", table: "users", id: sameName.id },
        ],
        [
          changeOf([{ kind: "insertApiKey", row: sameHash }]),
          { kind: "duplicate", table: "api_keys", id: sameHash.id },
        ],
      ];
      for (const [change, conflict] of cases) {
        expect(await store.commit(change)).toEqual({ ok: false, conflict });
      }
      expect(await store.user(sameName.id)).toBeNull();
      expect(await store.auditHead()).toBeNull();
    });

    it("rejects a change that fails unexpectedly, alone", async () => {
      const orphan = reviewRow(proposalRow()); // its proposal does not exist
      const good = proposalRow();
      const [bad, fine] = await Promise.allSettled([
        store.commit(changeOf([{ kind: "insertReview", row: orphan }])),
        store.commit(proposeChange(good)),
      ]);
      expect(bad.status).toBe("rejected");
      expect(fine).toMatchObject({ status: "fulfilled", value: { ok: true } });
      expect(await store.review(orphan.id)).toBeNull();
      expect((await verifiedAuditChain(store)).map((e) => e.proposalId)).toEqual([good.id]);
    });
  });

  describe("audit chain", () => {
    it("chains 200 concurrent commits contiguously", async () => {
      const results = await Promise.all(Array.from({ length: 200 }, () => ok(proposeChange())));
      const chain = await verifiedAuditChain(store);
      expect(chain).toHaveLength(200);
      expect(new Set(results.map((r) => r.audit[0]?.seq))).toEqual(new Set(chain.map((e) => e.seq)));
      expect(await store.auditHead()).toEqual(chain[199]);
    });

    it("chains several entries of one change in order", async () => {
      const proposal = proposalRow();
      const result = await ok({
        writes: [{ kind: "insertProposal", row: proposal }],
        audit: [
          auditDraft("proposal.created", proposal.id),
          auditDraft("proposal.routed", proposal.id, {
            verdict: "review",
            nested: { list: [1, 2.5, "x", null] },
          }),
          auditDraft("review.opened", proposal.id),
        ],
      });
      expect(result.audit.map((e) => [e.seq, e.type])).toEqual([
        [1, "proposal.created"],
        [2, "proposal.routed"],
        [3, "review.opened"],
      ]);
      expect(await verifiedAuditChain(store)).toEqual(result.audit);
    });

    it("keeps one chain when two stores on the same data append at once", async () => {
      const other = await db.openAnother();
      await Promise.all(
        Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? store : other).commit(proposeChange())),
      );
      const chain = await verifiedAuditChain(store);
      expect(chain).toHaveLength(150);
      expect(await other.auditHead()).toEqual(chain[149]);
    });
  });

  describe("lists", () => {
    it("filters reviews and pages through them by due time without gaps or repeats", async () => {
      const specs: Partial<ReviewRow>[] = [];
      for (let i = 0; i < 30; i++) {
        specs.push({
          // Several reviews share a due time, so the id breaks ties.
          dueAt: at(60 * (i % 7)),
          queue: i % 3 === 0 ? "billing" : "support",
          status: i % 5 === 0 ? "escalated" : i % 11 === 0 ? "decided" : "pending",
        });
      }
      const reviews: ReviewRow[] = [];
      for (const spec of specs) {
        const proposal = proposalRow(
          reviews.length % 2 === 0 ? { actionType: "billing.refund" } : { agentId: "agent_other" },
        );
        reviews.push(await seedReview(spec, proposal));
      }
      const sorted = (rows: ReviewRow[]) =>
        [...rows].sort((a, b) => compare(a.dueAt, b.dueAt) || compare(a.id, b.id));
      const open = sorted(reviews.filter((r) => r.status === "pending" || r.status === "escalated"));

      const all: ReviewRow[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listReviews({}, 4, cursor);
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor !== undefined);
      expect(all).toEqual(open);
      expect(pages).toBe(Math.ceil(open.length / 4));

      const ids = async (filter: Parameters<Store["listReviews"]>[0]) =>
        (await store.listReviews(filter, 100)).items.map((r) => r.id);
      const idsOf = (rows: ReviewRow[]) => sorted(rows).map((r) => r.id);
      expect(await ids({ statuses: ["decided"] })).toEqual(
        idsOf(reviews.filter((r) => r.status === "decided")),
      );
      expect(await ids({ statuses: ["escalated", "decided"], queues: ["billing"] })).toEqual(
        idsOf(reviews.filter((r) => r.status !== "pending" && r.queue === "billing")),
      );
      expect(await ids({ queues: ["support", "billing"] })).toEqual(idsOf(open));
      expect(await ids({ queues: [] })).toEqual([]);
      expect(await ids({ statuses: [] })).toEqual([]);
      expect(await ids({ actionType: "billing.refund" })).toEqual(
        idsOf(open.filter((r) => r.actionType === "billing.refund")),
      );
      expect(await ids({ agentId: "agent_other", queues: ["support"] })).toEqual(
        idsOf(open.filter((r) => r.agentId === "agent_other" && r.queue === "support")),
      );

      // A review changed between pages neither repeats nor hides the rest.
      const first = await store.listReviews({}, 5);
      const moved = first.items[0]!;
      await ok(
        changeOf([{ kind: "updateReview", id: moved.id, expectVersion: 1, set: { dueAt: at(99_999) } }]),
      );
      const rest: ReviewRow[] = [];
      cursor = first.nextCursor ?? undefined;
      while (cursor !== undefined) {
        const page = await store.listReviews({}, 5, cursor);
        rest.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      }
      const seen = [...first.items, ...rest].map((r) => r.id);
      expect(seen.filter((id) => id === moved.id)).toHaveLength(2);
      expect(new Set(seen)).toEqual(new Set(open.map((r) => r.id)));
    });

    it("refuses a cursor it did not issue", async () => {
      await expect(store.listReviews({}, 10, "nonsense")).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(store.listAudit({}, 10, "bm9wZQ")).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it("finds reviews past their due time, oldest first", async () => {
      const late = await seedReview({ dueAt: at(10) });
      const later = await seedReview({ dueAt: at(20), status: "escalated" });
      await seedReview({ dueAt: at(15), status: "decided" });
      await seedReview({ dueAt: at(31) });
      expect((await store.dueReviews(at(30), 10)).map((r) => r.id)).toEqual([late.id, later.id]);
      expect((await store.dueReviews(at(20), 1)).map((r) => r.id)).toEqual([late.id]);
      expect(await store.dueReviews(at(0), 10)).toEqual([]);
      // A bound with an offset means the same instant.
      expect((await store.dueReviews("2026-11-23T13:00:20+01:00", 10)).map((r) => r.id)).toEqual([
        late.id,
        later.id,
      ]);
    });

    it("finds information requests past their due time", async () => {
      const waiting = proposalRow({ status: "needs_info", infoDueAt: at(50) });
      const notYet = proposalRow({ status: "needs_info", infoDueAt: at(500) });
      const answered = proposalRow({ status: "pending_review", infoDueAt: at(40) });
      for (const row of [waiting, notYet, answered]) await ok(proposeChange(row));
      expect(await store.dueInfoRequests(at(100), 10)).toEqual([waiting]);
      expect(await store.dueInfoRequests(at(10), 10)).toEqual([]);
    });

    it("lists audit entries with filters, in seq order, page by page", async () => {
      const a = proposalRow();
      const b = proposalRow();
      for (let i = 0; i < 12; i++) {
        const proposal = i % 2 === 0 ? a : b;
        await ok({
          writes: i < 2 ? [{ kind: "insertProposal", row: proposal }] : [],
          audit: [
            {
              ...auditDraft(i % 3 === 0 ? "review.decided" : "proposal.routed", proposal.id, {
                status: i % 4 === 1 ? "blocked" : "pending_review",
                version: i % 2,
              }),
              at: at(i * 10),
            },
          ],
        });
      }
      const chain = await verifiedAuditChain(store);
      expect(chain).toHaveLength(12);

      const pages: number[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listAudit({}, 5, cursor);
        pages.push(page.items.map((e) => e.seq));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(pages).toEqual([
        [1, 2, 3, 4, 5],
        [6, 7, 8, 9, 10],
        [11, 12],
      ]);

      const seqs = async (filter: Parameters<Store["listAudit"]>[0]) =>
        (await store.listAudit(filter, 100)).items.map((e) => e.seq);
      expect(await seqs({ proposalId: a.id })).toEqual([1, 3, 5, 7, 9, 11]);
      expect(await seqs({ type: "review.decided" })).toEqual([1, 4, 7, 10]);
      expect(await seqs({ proposalId: b.id, type: "review.decided" })).toEqual([4, 10]);
      expect(await seqs({ since: at(30), until: at(60) })).toEqual([4, 5, 6, 7]);
      const filtered = await store.listAudit({ proposalId: a.id }, 2);
      expect(filtered.items.map((e) => e.seq)).toEqual([1, 3]);
      const next = await store.listAudit({ proposalId: a.id }, 2, filtered.nextCursor!);
      expect(next.items.map((e) => e.seq)).toEqual([5, 7]);

      expect(await store.auditRange(11, 100)).toEqual(chain.slice(10));
      expect(await store.auditRange(3, 2)).toEqual(chain.slice(2, 4));
      expect(await store.auditHead()).toEqual(chain[11]);

      // A follower's steps: only the entries asked for, and how far each step covered.
      const decided = [{ type: "review.decided" }];
      const step = (from: number, limit: number, window: number, interests: AuditInterest[] = decided) =>
        store.followAudit(from, interests, limit, window);
      expect(await step(1, 100, 100)).toEqual({
        entries: [1, 4, 7, 10].map((s) => chain[s - 1]),
        scannedTo: 12,
      });
      expect(await step(2, 2, 100)).toEqual({ entries: [chain[3], chain[6]], scannedTo: 7 });
      expect(await step(2, 100, 4)).toEqual({ entries: [chain[3]], scannedTo: 5 });
      expect(await step(5, 100, 2)).toEqual({ entries: [], scannedTo: 6 });
      expect(await step(11, 100, 100)).toEqual({ entries: [], scannedTo: 12 });
      expect(await step(13, 100, 100)).toEqual({ entries: [], scannedTo: 12 });
      expect(await step(1, 100, 100, [{ type: "no.such.type" }])).toEqual({ entries: [], scannedTo: 12 });
      // Conditions on a data field, compared as text; a missing field reads as "".
      const blocked = { type: "proposal.routed", where: { field: "status", in: ["blocked", "held"] } };
      expect((await step(1, 100, 100, [blocked])).entries).toEqual([chain[1], chain[5]]);
      const odd = { type: "review.decided", where: { field: "version", notIn: [0] } };
      expect((await step(1, 100, 100, [odd])).entries).toEqual([chain[3], chain[9]]);
      expect((await step(1, 100, 100, [odd, blocked])).entries).toEqual([
        chain[1],
        chain[3],
        chain[5],
        chain[9],
      ]);
      const absent = { type: "review.decided", where: { field: "absent", notIn: ["x"] } };
      expect((await step(1, 100, 100, [absent])).entries.map((e) => e.seq)).toEqual([1, 4, 7, 10]);
      expect(
        await step(1, 100, 100, [{ type: "review.decided", where: { field: "status", in: [] } }]),
      ).toEqual({
        entries: [],
        scannedTo: 12,
      });
    });
  });

  describe("durability", () => {
    it("keeps everything across close and reopen", async () => {
      const review = await seedReview();
      const user = userRow();
      await ok(changeOf([{ kind: "insertUser", row: user }]));
      const chain = await verifiedAuditChain(store);

      store = await db.reopen();
      expect(await store.review(review.id)).toEqual(review);
      expect(await store.user(user.id)).toEqual(user);
      expect(await verifiedAuditChain(store)).toEqual(chain);
      // The chain continues where it stopped.
      const next = await ok(proposeChange());
      expect(next.audit[0]).toMatchObject({ seq: 3, prevHash: chain[1]?.hash });
    });

    it("keeps a person's credential with their entries, covered by the hash, across a reopen", async () => {
      const review = await seedReview();
      const via = { kind: "session" as const, id: "s-1" };
      const actor = { kind: "user" as const, id: "u-1", name: "Ada", via };
      const claimed = await ok({
        writes: [
          {
            kind: "updateReview",
            id: review.id,
            expectVersion: review.version,
            set: { claimedBy: { id: "u-1", name: "Ada" }, claimExpiresAt: at(5) },
          },
        ],
        audit: [{ ...auditDraft("review.claimed", review.proposalId), actor }],
      });
      expect(claimed.audit[0]?.actor).toEqual(actor);
      const chain = await verifiedAuditChain(store);
      expect(chain[1]).toEqual(claimed.audit[0]);
      store = await db.reopen();
      expect(await verifiedAuditChain(store)).toEqual(chain);
    });

    it("refuses commits after close", async () => {
      await store.close();
      await expect(store.commit(proposeChange())).rejects.toThrow(/closed/);
    });
  });
});

/** Bytewise order, the order both engines sort ids and times in. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
