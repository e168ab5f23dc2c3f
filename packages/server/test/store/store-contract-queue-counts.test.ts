import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queueSummarySql } from "../../src/store/review-desk-sql.ts";
import { sqliteFile } from "../../src/store/sqlite-store.ts";
import type { Change, QueueSummaryRow, ReviewPatch, ReviewRow, Store, Write } from "../../src/store/store.ts";
import { at, auditDraft, proposalRow, reviewRow } from "../support/store-fixtures.ts";
import {
  createTestStore,
  storeEngines,
  storeWrittenBefore,
  type TestStore,
  testDatabaseUrl,
} from "../support/stores.ts";

/**
 * The queue summary (SPEC §9, `GET /v1/reviews/summary`, the overload check, metrics) reads the open
 * counts that triggers on `reviews` keep (migration 0013) and seeks the oldest and next due in
 * indexes. The counts must stay exact through every write path, and the reads must never scan the
 * open reviews.
 */

/** The summary as the old query computed it: a scan of the open reviews, the truth to compare with. */
const SCAN_SQL = `SELECT queue, COUNT(*) AS open_count, MIN(created_at) AS oldest_at, MIN(due_at) AS next_due_at
  FROM reviews WHERE workspace_id = ? AND status IN ('pending', 'escalated') GROUP BY queue ORDER BY queue`;

/** Reads the database directly, beside the store: the scan, and the counts table as it is. */
interface Direct {
  all(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function direct(db: TestStore): Promise<Direct> {
  if (db.engine === "sqlite") {
    const sqlite = new Database(sqliteFile(db.location), { readonly: true });
    return {
      all: async (sql, params = []) => sqlite.prepare(sql).all(...params) as Record<string, unknown>[],
      close: async () => void sqlite.close(),
    };
  }
  const client = new pg.Client({
    connectionString: testDatabaseUrl()!,
    options: `-c search_path=${db.location}`,
  });
  await client.connect();
  return {
    all: async (sql, params = []) => {
      let n = 0;
      return (
        await client.query(
          sql.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows;
    },
    close: () => client.end(),
  };
}

/** A submission as propose makes it: a proposal and its review. */
function submission(review: Partial<ReviewRow>, idempotencyKey: string | null = null): Change {
  const proposal = proposalRow({ idempotencyKey });
  const row = reviewRow(proposal, review);
  return {
    writes: [
      { kind: "insertProposal", row: proposal },
      { kind: "insertReview", row },
    ],
    audit: [auditDraft("review.opened", proposal.id, { reviewId: row.id })],
  };
}
const reviewOf = (change: Change): ReviewRow => (change.writes[1] as { row: ReviewRow }).row;

describe.each(storeEngines())("Store contract, open review counts per queue: %s", (engine) => {
  let db: TestStore;
  let store: Store;
  let reader: Direct;

  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
    reader = await direct(db);
  });
  afterEach(async () => {
    await reader.close();
    await db.cleanup();
  });

  const ok = async (change: Change) => {
    const result = await store.commit(change);
    if (!result.ok) throw new Error(`commit refused: ${JSON.stringify(result.conflict)}`);
  };
  /** Patches a review as the app does, with its version check; returns the new row. */
  const update = async (review: ReviewRow, set: ReviewPatch): Promise<ReviewRow> => {
    const write: Write = { kind: "updateReview", id: review.id, expectVersion: review.version, set };
    await ok({ writes: [write], audit: [auditDraft("review.updated", review.proposalId)] });
    return { ...review, ...set, version: review.version + 1 } as ReviewRow;
  };
  /** What a scan of the open reviews says, in the summary's shape. */
  const scanned = async (): Promise<QueueSummaryRow[]> =>
    (await reader.all(SCAN_SQL, ["default"])).map((r) => ({
      queue: String(r.queue),
      open: Number(r.open_count),
      oldestAt: String(r.oldest_at),
      nextDueAt: String(r.next_due_at),
    }));
  /** The counts table as it stands, zeros included. */
  const counts = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      (
        await reader.all("SELECT queue, open_count FROM queue_open_counts WHERE workspace_id = ?", [
          "default",
        ])
      ).map((r) => [String(r.queue), Number(r.open_count)]),
    );
  const expectExact = async (expected: Record<string, number>) => {
    expect(await counts()).toEqual(expected);
    const summary = await store.queueSummary();
    expect(summary).toEqual(await scanned());
    expect(Object.fromEntries(summary.map((q) => [q.queue, q.open]))).toEqual(
      Object.fromEntries(Object.entries(expected).filter(([, n]) => n > 0)),
    );
  };

  it("counts reviews inserted one by one, open ones only", async () => {
    await ok(submission({ queue: "support", createdAt: at(5), dueAt: at(900) }));
    await ok(submission({ queue: "support", status: "escalated", createdAt: at(1), dueAt: at(1200) }));
    await ok(submission({ queue: "billing", status: "decided", createdAt: at(0), dueAt: at(10) }));
    await expectExact({ support: 2 });
    expect(await store.queueSummary()).toEqual([
      { queue: "support", open: 2, oldestAt: at(1), nextDueAt: at(900) },
    ]);
  });

  it("counts the bulk submission insert, leaving out a submission the insert refused", async () => {
    await ok(submission({ queue: "ops" }, "used"));
    const batch = Array.from({ length: 150 }, (_, i) =>
      submission(
        {
          queue: ["support", "billing", "ops"][i % 3]!,
          status: i % 5 === 0 ? "escalated" : "pending",
          createdAt: at(i),
          dueAt: at(10_000 - i),
        },
        i === 7 ? "used" : null,
      ),
    );
    const results = await Promise.all(batch.map((change) => store.commit(change)));
    expect(results.filter((r) => !r.ok)).toHaveLength(1);
    // The refused one (i = 7) was billing's; ops also has the earlier review that used the key.
    await expectExact({ support: 50, billing: 49, ops: 51 });
  });

  it("keeps the counts through claim, release, decision, escalation to another queue, cancel and expiry", async () => {
    const changes = Array.from({ length: 6 }, (_, i) =>
      submission({ queue: "support", createdAt: at(i), dueAt: at(1000 + i) }),
    );
    for (const change of changes) await ok(change);
    let [claimed, decided, escalated, cancelled, expired] = changes.map(reviewOf) as ReviewRow[];
    await expectExact({ support: 6 });

    // Claim and release change nothing (no status or queue in the patch).
    claimed = await update(claimed!, { claimedBy: { id: "user_ann", name: "Ann" }, claimExpiresAt: at(60) });
    claimed = await update(claimed, { claimedBy: null, claimExpiresAt: null, updatedAt: at(61) });
    // A patch naming the same status and queue changes nothing either.
    claimed = await update(claimed, { status: "pending", queue: "support" });
    await expectExact({ support: 6 });

    decided = await update(decided!, { status: "decided", updatedAt: at(70) });
    await expectExact({ support: 5 });

    escalated = await update(escalated!, { status: "escalated", queue: "tier2", level: 1 });
    await expectExact({ support: 4, tier2: 1 });
    // Escalated again, within its open statuses, to a third queue.
    escalated = await update(escalated, { queue: "tier3", level: 2 });
    await expectExact({ support: 4, tier2: 0, tier3: 1 });

    cancelled = await update(cancelled!, { status: "cancelled" });
    expired = await update(expired!, { status: "expired" });
    await expectExact({ support: 2, tier2: 0, tier3: 1 });

    // A closed review that changes queue is not counted anywhere.
    await update(decided, { queue: "tier2" });
    await expectExact({ support: 2, tier2: 0, tier3: 1 });

    // An escalated review closing leaves its new queue's count, not the old one's.
    await update(escalated, { status: "decided" });
    await expectExact({ support: 2, tier2: 0, tier3: 0 });
    expect((await store.queueSummary(["tier3", "support"])).map((q) => q.queue)).toEqual(["support"]);
  });

  it("rolls the counts back with a change that fails", async () => {
    const first = submission({ queue: "support" });
    await ok(first);
    // The second write conflicts on its version, so the change (and the first write's count) is undone.
    const review = reviewOf(first);
    const result = await store.commit({
      writes: [
        { kind: "updateReview", id: review.id, expectVersion: 1, set: { status: "decided" } },
        { kind: "updateReview", id: review.id, expectVersion: 1, set: { status: "expired" } },
      ],
      audit: [auditDraft("review.updated", review.proposalId)],
    });
    expect(result.ok).toBe(false);
    await expectExact({ support: 1 });
  });

  it("seeks the counts and the two times in indexes, with no scan of the open reviews", async () => {
    const specs = Array.from({ length: 2000 }, (_, i) => ({
      queue: ["support", "billing", "ops"][i % 3]!,
      status:
        i % 10 === 0 ? ("decided" as const) : i % 4 === 1 ? ("escalated" as const) : ("pending" as const),
      createdAt: at(i),
      dueAt: at(100_000 - i * 7),
    }));
    for (let from = 0; from < specs.length; from += 500) {
      const writes: Write[] = [];
      for (const spec of specs.slice(from, from + 500)) {
        const proposal = proposalRow();
        writes.push(
          { kind: "insertProposal", row: proposal },
          { kind: "insertReview", row: reviewRow(proposal, spec) },
        );
      }
      await ok({ writes, audit: [auditDraft("test.seed", null)] });
    }
    expect(await store.queueSummary()).toEqual(await scanned());

    const queries = [
      { sql: queueSummarySql(null), params: ["default"] },
      { sql: queueSummarySql(1), params: ["default", "support"] },
      { sql: queueSummarySql(2), params: ["default", "support", "billing"] },
    ];
    if (engine === "sqlite") {
      for (const { sql, params } of queries) {
        const plan = (await reader.all(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => String(r.detail));
        const shown = `${sql}\n${plan.join("\n")}`;
        const reads = plan.filter((line) => /\b(reviews|r)\b/.test(line) && !/SUBQUERY/.test(line));
        expect(reads, shown).toHaveLength(3);
        expect(reads[0], shown).toMatch(
          /^SEARCH r USING (COVERING )?INDEX reviews_open_created \(workspace_id=\? AND queue=\?\)$/,
        );
        for (const line of reads.slice(1))
          expect(line, shown).toMatch(
            /^SEARCH r USING COVERING INDEX reviews_queue_status_due \(workspace_id=\? AND queue=\? AND status=\?\)$/,
          );
        expect(
          plan.filter((line) => /^SEARCH c USING PRIMARY KEY/.test(line)),
          shown,
        ).toHaveLength(1);
        expect(
          plan.filter((line) => /^(SCAN|USE TEMP B-TREE)/.test(line) && !/CONSTANT ROW/.test(line)),
          shown,
        ).toEqual([]);
      }
      return;
    }

    await reader.all("ANALYZE reviews");
    await reader.all("ANALYZE queue_open_counts");
    for (const { sql, params } of queries) {
      const [explained] = await reader.all(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      const root = (explained!["QUERY PLAN"] as [{ Plan: PlanNode }])[0].Plan;
      const nodes = flatten(root);
      const shown = `${sql}\n${JSON.stringify(root, ["Node Type", "Relation Name", "Index Name", "Plans"])}`;
      const reads = nodes.filter((n) => n["Relation Name"] === "reviews");
      expect(reads.map((n) => n["Index Name"]).sort(), shown).toEqual([
        "reviews_open_created",
        "reviews_queue_status_due",
        "reviews_queue_status_due",
      ]);
      for (const read of reads) {
        expect(read["Node Type"], shown).toMatch(/^Index (Only )?Scan$/);
        // A min/max read: the first entry of the range, under a Limit of one row.
        expect(read.parent?.["Node Type"], shown).toBe("Limit");
      }
      expect(
        nodes.filter((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] !== "queue_open_counts"),
        shown,
      ).toEqual([]);
    }
  });
});

/**
 * Migration 0013 on reviews written before it: the counts are filled from the open reviews, and the
 * triggers count from there.
 */
describe.each(storeEngines())("Migration 0013, the open review counts: %s", (engine) => {
  it("fills the counts from existing reviews, then keeps them", async () => {
    // Reviews of every status over two queues, written with the migrations before 0013 only.
    const rows = Array.from({ length: 40 }, (_, i) => ({
      id: `rev_${i}`,
      queue: i % 4 === 0 ? "billing" : "support",
      status: ["pending", "escalated", "decided", "expired", "cancelled"][i % 5]!,
      createdAt: at(i),
      dueAt: at(5000 - i),
    }));
    const insertReview = `INSERT INTO reviews (id, proposal_id, queue, status, level, priority, due_at,
      approvals_required, approvers, action_type, agent_id, policy_version, version, created_at, updated_at)
      VALUES (?, 'prop_old', ?, ?, 0, 0, ?, 1, '[]', 'support.reply', 'agent_support', 1, 1, ?, ?)`;
    const insertProposal = `INSERT INTO proposals (id, agent_id, action_type, status, execution_status,
      request_hash, policy_version, version, created_at, updated_at, doc) VALUES ('prop_old',
      'agent_support', 'support.reply', 'pending_review', 'not_started', 'h', 1, 1, ?, ?, '{}')`;

    const { store, cleanup } = await storeWrittenBefore(engine, 13, async (run) => {
      await run(insertProposal, [at(0), at(0)]);
      for (const r of rows)
        await run(insertReview, [r.id, r.queue, r.status, r.dueAt, r.createdAt, r.createdAt]);
    });

    try {
      await store.migrate();
      const open = rows.filter((r) => r.status === "pending" || r.status === "escalated");
      const of = (queue: string) => open.filter((r) => r.queue === queue);
      const summaryOf = (queue: string) => ({
        queue,
        open: of(queue).length,
        oldestAt: of(queue)
          .map((r) => r.createdAt)
          .sort()[0],
        nextDueAt: of(queue)
          .map((r) => r.dueAt)
          .sort()[0],
      });
      expect(await store.queueSummary()).toEqual([summaryOf("billing"), summaryOf("support")]);

      // The triggers take over from the filled counts.
      const pending = open.find((r) => r.queue === "support" && r.status === "pending")!;
      const result = await store.commit({
        writes: [{ kind: "updateReview", id: pending.id, expectVersion: 1, set: { status: "decided" } }],
        audit: [auditDraft("review.decided", "prop_old")],
      });
      expect(result.ok).toBe(true);
      const [, support] = await store.queueSummary();
      expect(support?.open).toBe(of("support").length - 1);
    } finally {
      await store.close();
      await cleanup();
    }
  });
});

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
  parent?: PlanNode;
}

function flatten(root: PlanNode): PlanNode[] {
  const nodes: PlanNode[] = [];
  const walk = (node: PlanNode, parent?: PlanNode) => {
    nodes.push({ ...node, parent });
    for (const child of node.Plans ?? []) walk(child, node);
  };
  walk(root);
  return nodes;
}
