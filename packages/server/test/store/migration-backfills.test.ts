import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { EXECUTION_SQL } from "../../src/store/execution-sql.ts";
import { loadMigrations, SCHEMA_MIGRATIONS_DDL } from "../../src/store/migrations.ts";
import { migrateSqlite, openSqliteWriter } from "../../src/store/sqlite-connection.ts";
import { SQL } from "../../src/store/statements.ts";

/** A database in a new directory (kept in `dirs` for removal), migrated up to just before `version`. */
function databaseBefore(version: number, dirs: string[]): Database.Database {
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

/** Migration 0012 on a database written before it: the entity column is filled from each document. */
describe("migration 0012, the proposal entity column", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("backfills string and numeric entities, leaves the rest null, and the index answers", () => {
    const db = databaseBefore(12, dirs);
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
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT id FROM proposals WHERE workspace_id = ? AND entity = ? ORDER BY created_at DESC",
      )
      .all("default", "customer:c_1") as { detail: string }[];
    expect(plan.map((p) => p.detail).join(" ")).toContain("proposals_entity");
    db.close();
  });
});

/** Migration 0015 on a database written before it: each claim's holder is copied to its own column. */
describe("migration 0015, the review claim holder", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("fills the holder of existing claims, and claim-next's filter is answered from the index", () => {
    const db = databaseBefore(15, dirs);
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
      const plan = db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT id, due_at FROM reviews WHERE workspace_id = ? AND queue = ? AND status = ?
            AND (claim_expires_at IS NULL OR claim_expires_at <= ? OR claim_holder = ?) ORDER BY due_at, id LIMIT 5`,
        )
        .all("default", "support", "pending", "2026-01-01T00:00:00.000Z", "u_ben") as { detail: string }[];
      expect(plan.map((p) => p.detail).join(" ")).toContain("COVERING INDEX reviews_queue_status_due");
    } finally {
      db.close();
    }
  });
});

/** Migration 0016: the indexes of rare statuses hold only proposals in them, and the queries use them. */
describe("migration 0016, partial indexes of rare statuses", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps answering the information timer, the held list and the bypass check from indexes", () => {
    const db = databaseBefore(16, dirs);
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

    const plan = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((p) => p.detail)
        .join(" ");
    expect(plan(SQL.dueInfoRequests, "default", "2026-01-03T00:00:00.000Z", 10)).toContain(
      "INDEX proposals_info_due",
    );
    expect(plan(EXECUTION_SQL.heldProposals, "default", 10)).toContain("INDEX proposals_held");
    const refused = (status: string) =>
      `SELECT id FROM proposals WHERE workspace_id = ? AND agent_id = ? AND action_type = ? AND status = '${status}' AND created_at >= ? ORDER BY created_at DESC`;
    for (const status of ["rejected", "blocked"])
      expect(plan(refused(status), "default", "a", "t", "2026-01-01T00:00:00.000Z")).toContain(
        "INDEX proposals_refused",
      );

    const ids = (sql: string, ...params: unknown[]) =>
      (db.prepare(sql).all(...params) as { id: string }[]).map((r) => r.id);
    expect(ids(SQL.dueInfoRequests, "default", "2026-01-03T00:00:00.000Z", 10)).toEqual(["p1", "p6"]);
    expect(ids(EXECUTION_SQL.heldProposals, "default", 10)).toEqual(["p2"]);
    expect(ids(refused("rejected"), "default", "a", "t", "2026-01-01T00:00:00.000Z")).toEqual(["p3"]);
    expect(ids(refused("blocked"), "default", "a", "t", "2026-01-01T00:00:00.000Z")).toEqual(["p4"]);
    db.close();
  });
});
