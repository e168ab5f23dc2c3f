import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { auditListSql, INDEXED_AUDIT_TYPE } from "../../src/store/audit-list-sql.ts";
import {
  AutonomyReads,
  EDGE_EXECUTIONS,
  EDGE_ROLLBACKS,
  pairCountersSql,
} from "../../src/store/autonomy-reads.ts";
import { EXECUTION_SQL } from "../../src/store/execution-sql.ts";
import { rollupIncrements } from "../../src/store/metric-rollups.ts";
import { loadMigrations, SCHEMA_MIGRATIONS_DDL } from "../../src/store/migrations.ts";
import { heldProposalsSql } from "../../src/store/review-desk-sql.ts";
import { migrateSqlite, openSqliteWriter, SqliteRunner } from "../../src/store/sqlite-connection.ts";
import { SQL } from "../../src/store/statements.ts";
import type { AuditFilter, Write } from "../../src/store/store.ts";

/** Every test's directories, removed after it. */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A database in a new directory (removed after the test), migrated up to just before `version`. */
function databaseBefore(version: number): Database.Database {
  const dir = mkdtempSync(join(tmpdir(), "loopgate-migration-"));
  dirs.push(dir);
  const db = openSqliteWriter(join(dir, "loopgate.db"), 1000);
  db.exec(SCHEMA_MIGRATIONS_DDL);
  for (const migration of loadMigrations("sqlite").filter((m) => m.version < version)) {
    db.exec(migration.sql);
    db.prepare("INSERT INTO schema_migrations VALUES (?, ?, ?)").run(migration.version, migration.name, "x");
  }
  return db;
}

/** The lines of SQLite's plan for `sql`. */
function planOf(db: Database.Database, sql: string, ...params: unknown[]): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map(
    (p) => p.detail,
  );
}

/** The ids of the rows `sql` returns, in order. */
function idsOf(db: Database.Database, sql: string, ...params: unknown[]): string[] {
  return (db.prepare(sql).all(...params) as { id: string }[]).map((r) => r.id);
}

/** Migration 0012 on a database written before it: the entity column is filled from each document. */
describe("migration 0012, the proposal entity column", () => {
  it("backfills string and numeric entities, leaves the rest null, and the index answers", () => {
    const db = databaseBefore(12);
    const insert = db.prepare(
      `INSERT INTO proposals (id, agent_id, action_type, status, execution_status, request_hash,
        policy_version, version, created_at, updated_at, doc) VALUES (?, 'a', 't', 'pending_review',
        'not_started', 'h', 1, 1, ?, ?, ?)`,
    );
    const contexts = { p1: { entity: "customer:c_1" }, p2: { entity: 7 }, p3: { entity: { id: 1 } }, p4: {} };
    Object.entries(contexts).forEach(([id, context], i) => {
      const at = `2026-01-01T00:00:0${i}.000Z`;
      insert.run(id, at, at, JSON.stringify({ context }));
    });

    migrateSqlite(db);

    const rows = db.prepare("SELECT id, entity FROM proposals ORDER BY id").all();
    expect(rows).toEqual([
      { id: "p1", entity: "customer:c_1" },
      { id: "p2", entity: "7" },
      { id: "p3", entity: null },
      { id: "p4", entity: null },
    ]);
    const plan = planOf(
      db,
      "SELECT id FROM proposals WHERE workspace_id = ? AND entity = ? ORDER BY created_at DESC",
      "default",
      "customer:c_1",
    );
    expect(plan.join(" ")).toContain("proposals_entity");
    db.close();
  });
});

/** Migration 0015 on a database written before it: each claim's holder is copied to its own column. */
describe("migration 0015, the review claim holder", () => {
  it("fills the holder of existing claims, and claim-next's filter is answered from the index", () => {
    const db = databaseBefore(15);
    try {
      db.pragma("foreign_keys = OFF");
      const insert = db.prepare(
        `INSERT INTO reviews (id, proposal_id, queue, status, level, priority, due_at, approvals_required,
          approvers, claimed_by, claim_expires_at, action_type, agent_id, policy_version, version, created_at,
          updated_at) VALUES (?, 'p', 'support', 'pending', 0, 0, ?, 1, '[]', ?, ?, 't', 'a', 1, 1, ?, ?)`,
      );
      insert.run(
        "r1",
        "2026-01-01T01:00:00.000Z",
        '{"id":"u_anna","name":"Anna"}',
        "2026-01-01T00:05:00.000Z",
        "x",
        "x",
      );
      insert.run("r2", "2026-01-01T02:00:00.000Z", null, null, "x", "x");

      migrateSqlite(db);

      expect(db.prepare("SELECT id, claim_holder FROM reviews ORDER BY id").all()).toEqual([
        { id: "r1", claim_holder: "u_anna" },
        { id: "r2", claim_holder: null },
      ]);
      const plan = planOf(
        db,
        `SELECT id, due_at FROM reviews WHERE workspace_id = ? AND queue = ? AND status = ?
          AND (claim_expires_at IS NULL OR claim_expires_at <= ? OR claim_holder = ?) ORDER BY due_at, id LIMIT 5`,
        "default",
        "support",
        "pending",
        "2026-01-01T00:00:00.000Z",
        "u_ben",
      );
      expect(plan.join(" ")).toContain("COVERING INDEX reviews_queue_status_due");
    } finally {
      db.close();
    }
  });
});

/** Migration 0016: the indexes of rare statuses hold only proposals in them, and the queries use them. */
describe("migration 0016, partial indexes of rare statuses", () => {
  it("keeps answering the information timer, the held list and the bypass check from indexes", () => {
    const db = databaseBefore(16);
    const insert = db.prepare(
      `INSERT INTO proposals (id, agent_id, action_type, status, execution_status, request_hash,
        policy_version, version, created_at, updated_at, doc, info_due_at) VALUES (?, 'a', 't', ?,
        'not_started', 'h', 1, 1, ?, ?, '{}', ?)`,
    );
    const statuses = [
      "pending_review",
      "needs_info",
      "held",
      "rejected",
      "blocked",
      "approved",
      "needs_info",
    ];
    statuses.forEach((status, i) => {
      const at = `2026-01-01T00:00:0${i}.000Z`;
      insert.run(`p${i}`, status, at, at, status === "needs_info" ? `2026-01-02T00:00:0${i}.000Z` : null);
    });

    migrateSqlite(db);

    const plan = (sql: string, ...params: unknown[]) => planOf(db, sql, ...params).join(" ");
    expect(plan(SQL.dueInfoRequests, "default", "2026-01-03T00:00:00.000Z", 10)).toContain(
      "INDEX proposals_info_due",
    );
    expect(plan(EXECUTION_SQL.heldProposals, "default", 10)).toContain("INDEX proposals_held");
    // The stops' held counts (0023): from their own index, never the table.
    expect(plan(EXECUTION_SQL.heldCounts, "default")).toContain("COVERING INDEX proposals_held_by_pair");
    const refused = (status: string) =>
      `SELECT id FROM proposals WHERE workspace_id = ? AND agent_id = ? AND action_type = ? AND status = '${status}' AND created_at >= ? ORDER BY created_at DESC`;
    for (const status of ["rejected", "blocked"])
      expect(plan(refused(status), "default", "a", "t", "2026-01-01T00:00:00.000Z")).toContain(
        "INDEX proposals_refused",
      );

    const ids = (sql: string, ...params: unknown[]) => idsOf(db, sql, ...params);
    expect(ids(SQL.dueInfoRequests, "default", "2026-01-03T00:00:00.000Z", 10)).toEqual(["p1", "p6"]);
    expect(ids(EXECUTION_SQL.heldProposals, "default", 10)).toEqual(["p2"]);
    expect(ids(refused("rejected"), "default", "a", "t", "2026-01-01T00:00:00.000Z")).toEqual(["p3"]);
    expect(ids(refused("blocked"), "default", "a", "t", "2026-01-01T00:00:00.000Z")).toEqual(["p4"]);
    db.close();
  });
});

/** Migration 0025: held proposals stored before it enter the held list's indexes, which serve it. */
describe("migration 0025, the indexes of the held list", () => {
  it("lists the held proposals of each scope from its index, and keeps the counts covering", () => {
    const db = databaseBefore(25);
    const insert = db.prepare(
      `INSERT INTO proposals (id, agent_id, action_type, status, execution_status, request_hash,
        policy_version, version, created_at, updated_at, doc) VALUES (?, ?, ?, ?, 'not_started', 'h', 1, 1,
        ?, ?, '{}')`,
    );
    const rows = [
      ["p0", "a", "t", "held"],
      ["p1", "b", "t", "held"],
      ["p2", "a", "u", "held"],
      ["p3", "a", "t", "pending_review"],
      ["p4", "a", "t", "held"],
    ];
    rows.forEach(([id, agent, type, status], i) => {
      const at = `2026-01-01T00:00:0${i}.000Z`;
      insert.run(id, agent, type, status, at, at);
    });

    migrateSqlite(db);

    const cases = [
      { filter: {}, params: [], index: "proposals_held", ids: ["p0", "p1", "p2", "p4"] },
      { filter: { agentId: "a" }, params: ["a"], index: "proposals_held_by_agent", ids: ["p0", "p2", "p4"] },
      {
        filter: { actionType: "t" },
        params: ["t"],
        index: "proposals_held_by_action_type",
        ids: ["p0", "p1", "p4"],
      },
      {
        filter: { agentId: "a", actionType: "t" },
        params: ["a", "t"],
        index: "proposals_held_by_pair",
        ids: ["p0", "p4"],
      },
    ];
    for (const { filter, params, index, ids } of cases) {
      const sql = heldProposalsSql(filter, false);
      expect(planOf(db, sql, "default", ...params, 10).join(" ")).toMatch(
        new RegExp(`^SEARCH proposals USING INDEX ${index} \\(`),
      );
      expect(idsOf(db, sql, "default", ...params, 10)).toEqual(ids);
    }
    expect(planOf(db, EXECUTION_SQL.heldCounts, "default").join(" ")).toContain(
      "COVERING INDEX proposals_held_by_pair",
    );
    db.close();
  });
});

/**
 * Migration 0018 on a database written before it: the breakers' execution counters are backfilled
 * from the executions stored, so a reading right after the upgrade equals the scan of rows it replaces.
 */
describe("migration 0018, the execution counters of the breakers", () => {
  /** The scan of rows the breakers read before migration 0018. */
  const OLD_SCAN = `SELECT
      COALESCE(SUM(CASE WHEN kind = 'execute' AND status IN ('executed', 'failed', 'dead_lettered', 'unknown') THEN 1 ELSE 0 END), 0) AS finished,
      COALESCE(SUM(CASE WHEN kind = 'execute' AND status = 'executed' THEN 1 ELSE 0 END), 0) AS succeeded,
      COALESCE(SUM(CASE WHEN kind = 'execute' AND status IN ('failed', 'dead_lettered', 'unknown') THEN 1 ELSE 0 END), 0) AS failed,
      COALESCE(SUM(CASE WHEN kind = 'rollback' AND created_at >= ? THEN 1 ELSE 0 END), 0) AS rollbacks
    FROM executions WHERE workspace_id = ? AND agent_id = ? AND action_type = ?
      AND updated_at >= ? AND updated_at < ?`;

  it("counts each finished execution once, in the hour of its last change, and reads them from indexes", async () => {
    const db = databaseBefore(18);
    try {
      db.pragma("foreign_keys = OFF");
      const insert = db.prepare(
        `INSERT INTO executions (id, proposal_id, kind, agent_id, action_type, status, attempts, version,
          created_at, updated_at, doc) VALUES (?, ?, ?, ?, 't', ?, ?, 1, ?, ?, '{}')`,
      );
      const statuses = ["executed", "failed", "dead_lettered", "unknown", "queued", "executing", "cancelled"];
      // Every 7 minutes over 30 hours, two agents, rollbacks now and then.
      for (let i = 0; i < 260; i++) {
        const updated = new Date(Date.parse("2026-11-23T00:03:00.000Z") + i * 7 * 60_000).toISOString();
        const created = new Date(Date.parse(updated) - 90_000).toISOString();
        const kind = i % 11 === 0 ? "rollback" : "execute";
        insert.run(
          `e${i}`,
          `p${i}`,
          kind,
          i % 5 === 0 ? "b" : "a",
          statuses[i % 7],
          1 + (i % 3),
          created,
          updated,
        );
      }
      // Rollbacks started are counted by the commits since migration 0011; as they would have been:
      db.exec(`INSERT INTO metric_slices (workspace_id, slice, bucket, metric, value)
        SELECT workspace_id, 'type+agent:t|' || agent_id, substr(created_at, 1, 13) || ':00:00.000Z', 'rollbacks',
          COUNT(*) FROM executions WHERE kind = 'rollback' GROUP BY workspace_id, agent_id, substr(created_at, 1, 13)`);

      migrateSqlite(db);

      const reads = new AutonomyReads(new SqliteRunner(db), "default");
      const windows: [string, string][] = [
        ["2026-11-23T06:30:00.000Z", "2026-11-24T06:30:00.001Z"], // 24 h ending at a minute
        ["2026-11-23T05:00:00.000Z", "2026-11-23T09:00:00.000Z"], // whole hours
        ["2026-11-23T05:10:00.000Z", "2026-11-23T05:50:00.000Z"], // inside an hour
        ["2026-11-22T00:00:00.000Z", "2026-11-25T00:00:00.000Z"], // everything
      ];
      for (const agent of ["a", "b"]) {
        for (const [from, to] of windows) {
          const old = db.prepare(OLD_SCAN).get(from, "default", agent, "t", from, to);
          expect(await reads.executionCounts(agent, "t", from, to), `${agent} ${from}`).toEqual(old);
        }
      }
      const everything = await reads.executionCounts("a", "t", windows[3]![0], windows[3]![1]);
      expect(everything.finished).toBeGreaterThan(100);

      // Totals and slices agree with the hourly rows.
      const sum = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
      const finished = "metric = 'executions.finished'";
      expect(sum(`SELECT SUM(value) AS n FROM metric_totals WHERE ${finished}`)).toBe(
        sum(`SELECT SUM(value) AS n FROM metric_rollups WHERE ${finished}`),
      );
      expect(sum(`SELECT SUM(value) AS n FROM metric_slices WHERE slice = '*' AND ${finished}`)).toBe(
        sum(
          `SELECT COUNT(*) AS n FROM executions WHERE kind = 'execute' AND status IN ('executed', 'failed', 'dead_lettered', 'unknown')`,
        ),
      );

      // Backfilled attempts are marked: settling an unknown one adds a success and no second finish;
      // writing `executed` again on an executed one adds nothing.
      const unknown = db
        .prepare("SELECT id FROM executions WHERE status = 'unknown' AND kind = 'execute' LIMIT 1")
        .get() as { id: string };
      const executed = db
        .prepare("SELECT id FROM executions WHERE status = 'executed' AND kind = 'execute' LIMIT 1")
        .get() as { id: string };
      const settle = (id: string): Write => ({
        kind: "updateExecution",
        id,
        expectVersion: 1,
        set: { status: "executed", updatedAt: "2026-11-24T08:00:00.000Z" },
      });
      const increments = await rollupIncrements(new SqliteRunner(db), "default", [
        { writes: [settle(unknown.id), settle(executed.id)], audit: [] },
      ]);
      expect(increments.map((i) => i.metric)).toEqual(["executions.succeeded"]);

      // The breakers' reads are answered from indexes: the slice's key, and ranges of the pair's rows.
      const plan = (sql: string, ...params: unknown[]) => planOf(db, sql, ...params).join(" ");
      const range = ["default", "a", "t", "2026-11-23T06:30:00.000Z", "2026-11-23T07:00:00.000Z"];
      expect(plan(EDGE_EXECUTIONS, ...range)).toContain(
        "INDEX executions_by_pair (workspace_id=? AND agent_id=? AND action_type=? AND updated_at>? AND updated_at<?)",
      );
      expect(plan(EDGE_ROLLBACKS, ...range)).toContain(
        "COVERING INDEX executions_rollbacks_by_pair (workspace_id=? AND agent_id=? AND action_type=? AND created_at>? AND created_at<?)",
      );
      expect(
        plan(pairCountersSql(2), "default", "type+agent:t|a", "x", "y", "executions.finished", "rollbacks"),
      ).toMatch(
        /SEARCH metric_slices USING PRIMARY KEY \(workspace_id=\? AND slice=\? AND bucket>\? AND bucket<\?\)/,
      );
    } finally {
      db.close();
    }
  });
});

/**
 * Migration 0019 on a database written before it: the dispatcher's and the reconciliation's
 * execution indexes hold only the rows their queries look for, and those queries still read them; the
 * audit log's time index, which no SQLite plan read, is gone.
 */
describe("migration 0019, leaner execution and audit indexes", () => {
  it("keeps the dispatcher's and the reconciliation's reads on indexes, with the same rows", () => {
    const db = databaseBefore(19);
    db.pragma("foreign_keys = OFF");
    const insert = db.prepare(
      `INSERT INTO executions (id, proposal_id, kind, agent_id, action_type, status, attempts, next_attempt_at,
        lease_expires_at, reconciliation_review_id, version, created_at, updated_at, doc)
        VALUES (?, ?, 'execute', 'a', 't', ?, 1, ?, ?, ?, 1, ?, ?, '{}')`,
    );
    const rows: [string, string | null, string | null, string | null][] = [
      ["queued", "2026-01-01T00:00:05.000Z", null, null],
      ["queued", "2026-01-01T00:00:01.000Z", null, null],
      ["queued", "2026-01-09T00:00:00.000Z", null, null],
      ["executing", "2026-01-01T00:00:02.000Z", "2026-01-01T00:00:03.000Z", null],
      ["executing", "2026-01-01T00:00:04.000Z", "2026-01-09T00:00:00.000Z", null],
      ["granted", null, null, null],
      ["executed", "2026-01-01T00:00:00.000Z", null, null],
      ["unknown", null, null, "rev_1"],
    ];
    rows.forEach(([status, next, lease, review], i) => {
      insert.run(
        `e${i}`,
        `p${i}`,
        status,
        next,
        lease,
        review,
        "2026-01-01T00:00:00.000Z",
        "2026-01-01T00:00:00.000Z",
      );
    });
    const now = "2026-01-02T00:00:00.000Z";
    const ids = (sql: string, ...params: unknown[]) => idsOf(db, sql, ...params);
    const before = {
      due: ids(EXECUTION_SQL.dueExecutions, "default", now, now, 10),
      queued: ids(EXECUTION_SQL.queuedExecutions, "default", 10),
      review: ids(EXECUTION_SQL.executionByReview, "default", "rev_1"),
    };

    migrateSqlite(db);

    expect({
      due: ids(EXECUTION_SQL.dueExecutions, "default", now, now, 10),
      queued: ids(EXECUTION_SQL.queuedExecutions, "default", 10),
      review: ids(EXECUTION_SQL.executionByReview, "default", "rev_1"),
    }).toEqual(before);
    expect(before).toEqual({ due: ["e1", "e3", "e0"], queued: ["e1", "e0", "e2"], review: ["e7"] });

    const plan = (sql: string, ...params: unknown[]) => planOf(db, sql, ...params);
    expect(plan(EXECUTION_SQL.dueExecutions, "default", now, now, 10)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SEARCH e USING INDEX executions_queued /),
        expect.stringMatching(/^SEARCH e USING INDEX executions_leased /),
        // The stops in force, for the queued ones a stop holds back (migration 0002's index).
        expect.stringMatching(/^SEARCH s USING INDEX stops_in_force /),
      ]),
    );
    expect(plan(EXECUTION_SQL.queuedExecutions, "default", 10)).toEqual([
      expect.stringMatching(/^SEARCH executions USING INDEX executions_queued /),
    ]);
    expect(plan(EXECUTION_SQL.executionByReview, "default", "rev_1")).toEqual([
      expect.stringMatching(/^SEARCH executions USING INDEX executions_review /),
    ]);
    // The breakers' edge-hour read is answered from the index alone.
    expect(plan(EDGE_EXECUTIONS, "default", "a", "t", "2026-01-01T00:00:00.000Z", now)).toEqual([
      expect.stringMatching(/^SEARCH executions USING COVERING INDEX executions_by_pair /),
    ]);
    // Only the rows the queries look for are in the indexes; the time index of the audit log is gone.
    const definition = (name: string) =>
      (db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").get(name) as { sql: string } | undefined)
        ?.sql;
    expect(definition("executions_queued")).toMatch(/WHERE status = 'queued'$/);
    expect(definition("executions_leased")).toMatch(/WHERE status = 'executing'$/);
    expect(definition("executions_review")).toMatch(/WHERE reconciliation_review_id IS NOT NULL$/);
    expect(definition("audit_entries_at")).toBeUndefined();
    db.close();
  });
});

/**
 * Migration 0020 on a database written before it: the audit log moves from a WITHOUT ROWID table to a
 * rowid table with every entry as it was and row ids in chain order, and the type index keeps only the
 * exceptions, on the condition the list query repeats.
 */
describe("migration 0020, the audit log as a rowid table with an index of its exceptions", () => {
  it("keeps every entry byte for byte, in chain order, and the reads of the log on their indexes", () => {
    const db = databaseBefore(20);
    const insert = db.prepare(
      `INSERT INTO audit_entries (seq, at, actor_kind, actor_id, actor_name, type, proposal_id, data,
        prev_hash, hash) VALUES (?, ?, 'agent', 'a_1', 'bot', ?, ?, ?, ?, ?)`,
    );
    const types = [
      "proposal.submitted",
      "proposal.routed",
      "review.opened",
      "decision.recorded",
      "review.expired",
    ];
    // Inserted out of order: the copy orders them by seq.
    for (const seq of [3, 1, 2, ...Array.from({ length: 200 }, (_, i) => i + 4)]) {
      const type = types[seq % types.length]!;
      const data = JSON.stringify({ n: seq, text: "é ✓ ".repeat(seq % 300) });
      insert.run(
        seq,
        `2026-01-01T00:00:${String(seq % 60).padStart(2, "0")}.000Z`,
        type,
        `p_${seq % 7}`,
        data,
        `h${seq - 1}`,
        `h${seq}`,
      );
    }
    const everything = "SELECT * FROM audit_entries ORDER BY workspace_id, seq";
    const before = db.prepare(everything).all();
    const head = db.prepare(SQL.auditHead).get("default");

    migrateSqlite(db);

    // Later migrations add columns (0024: the actor's credential), empty on these entries.
    const asBefore = (row: unknown) => {
      const { actor_via_kind, actor_via_id, ...rest } = row as Record<string, unknown>;
      expect([actor_via_kind, actor_via_id]).toEqual([null, null]);
      return rest;
    };
    expect(db.prepare(everything).all().map(asBefore)).toEqual(before);
    expect(asBefore(db.prepare(SQL.auditHead).get("default"))).toEqual(head);
    expect(db.prepare(SQL.auditRange).all("default", 50, 3).map(asBefore)).toEqual(before.slice(49, 52));
    const rowids = db.prepare("SELECT seq FROM audit_entries ORDER BY rowid").all() as { seq: number }[];
    expect(rowids.map((r) => r.seq)).toEqual(before.map((_, i) => i + 1));
    const table = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'audit_entries'").get() as {
      sql: string;
    };
    expect(table.sql).not.toMatch(/WITHOUT ROWID/);

    const definition = db
      .prepare("SELECT sql FROM sqlite_schema WHERE name = 'audit_entries_type'")
      .get() as { sql: string };
    const oneLine = (sql: string) => sql.replace(/\s+/g, " ");
    expect(oneLine(definition.sql)).toContain(`WHERE ${INDEXED_AUDIT_TYPE}`);
    const pg = loadMigrations("postgres").find((m) => m.version === 20);
    expect(oneLine(pg?.sql ?? "")).toContain(`WHERE ${INDEXED_AUDIT_TYPE};`);

    const plan = (filter: AuditFilter) => {
      const { sql, params } = auditListSql("sqlite", "default", filter, 0, 51);
      return planOf(db, sql, ...params).join("\n");
    };
    expect(plan({ type: "review.expired" })).toMatch(/USING INDEX audit_entries_type/);
    expect(plan({ proposalId: "p_3" })).toMatch(/USING INDEX audit_entries_proposal/);
    expect(plan({})).toMatch(/USING INDEX sqlite_autoindex_audit_entries_1/);
    const list = (filter: AuditFilter) => {
      const { sql, params } = auditListSql("sqlite", "default", filter, 0, 500);
      return (db.prepare(sql).all(...params) as { seq: number }[]).map((r) => r.seq);
    };
    const seqsOf = (keep: (row: { type: string; proposal_id: string }) => boolean) =>
      (before as { seq: number; type: string; proposal_id: string }[]).filter(keep).map((r) => r.seq);
    expect(list({ type: "review.expired" })).toEqual(seqsOf((r) => r.type === "review.expired"));
    expect(list({ type: "decision.recorded" })).toEqual(seqsOf((r) => r.type === "decision.recorded"));
    expect(list({ proposalId: "p_3" })).toEqual(seqsOf((r) => r.proposal_id === "p_3"));
    db.close();
  });
});
