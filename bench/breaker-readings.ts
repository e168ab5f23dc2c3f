/**
 * bench/breaker-readings — what one circuit-breaker reading of executions costs on the embedded store,
 * before and after migration 0018 (SPEC §5: breakers trip on executor-failure, incident and rollback
 * rates over a window; the server reads every pair's breakers every 5 s, on the event loop).
 *
 *   npm run bench:breaker-readings -- [--executions 50000,200000] [--runs 30]
 *
 * For each size, seeds that many executions of one agent and action type spread over the last 24 h
 * (one in twenty failed) into a fresh database at migration 0017, applies 0018 (whose backfill fills
 * the hourly counters) and 0019 (the covering index of the end hours' read), and times, on the same data: the scan of every execution row in the window
 * that readings were before 0018, and `executionCounts` as it reads now (whole hours from the
 * counters, the two partial end hours from rows). Both must give the same counts; the bench fails if
 * they do not.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { AutonomyReads } from "../packages/server/src/store/autonomy-reads.ts";
import { loadMigrations, SCHEMA_MIGRATIONS_DDL } from "../packages/server/src/store/migrations.ts";
import {
  migrateSqlite,
  openSqliteWriter,
  SqliteRunner,
} from "../packages/server/src/store/sqlite-connection.ts";
import { table } from "./support/latency.ts";

const { values } = parseArgs({
  options: {
    executions: { type: "string", default: "50000,200000" },
    runs: { type: "string", default: "30" },
  },
});
const sizes = values.executions.split(",").map(Number);
const runs = Number(values.runs);

/** The reading before migration 0018: every execution of the pair last updated in the window. */
const SCAN = `SELECT
    SUM(CASE WHEN kind = 'execute' AND status IN ('executed', 'failed', 'dead_lettered', 'unknown') THEN 1 ELSE 0 END) AS finished,
    SUM(CASE WHEN kind = 'execute' AND status = 'executed' THEN 1 ELSE 0 END) AS succeeded,
    SUM(CASE WHEN kind = 'execute' AND status IN ('failed', 'dead_lettered', 'unknown') THEN 1 ELSE 0 END) AS failed,
    SUM(CASE WHEN kind = 'rollback' AND created_at >= ? THEN 1 ELSE 0 END) AS rollbacks
  FROM executions WHERE workspace_id = ? AND agent_id = ? AND action_type = ? AND updated_at >= ? AND updated_at < ?`;

const HOUR_MS = 3_600_000;
/** A reading's end, a little past the half hour, so both end hours are partial. */
const NOW = Date.parse("2026-11-30T13:37:12.345Z");

async function median(fn: () => unknown): Promise<{ ms: number; last: unknown }> {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  let last: unknown;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    last = await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { ms: times[runs >> 1]!, last };
}

const rows: Record<string, string | number>[] = [];
for (const size of sizes) {
  const dir = mkdtempSync(join(tmpdir(), "loopgate-bench-breakers-"));
  try {
    const db = openSqliteWriter(join(dir, "loopgate.db"), 1000);
    db.exec(SCHEMA_MIGRATIONS_DDL);
    for (const migration of loadMigrations("sqlite").filter((m) => m.version < 18)) {
      db.exec(migration.sql);
      db.prepare("INSERT INTO schema_migrations VALUES (?, ?, ?)").run(
        migration.version,
        migration.name,
        "bench",
      );
    }
    // Executions alone, without the proposals they belong to.
    db.pragma("foreign_keys = OFF");
    const insert = db.prepare(`INSERT INTO executions (id, proposal_id, kind, agent_id, action_type, status,
      attempts, version, created_at, updated_at, doc) VALUES (?, ?, 'execute', 'bot', 'crm.update', ?, 1, 3, ?, ?, ?)`);
    const doc = JSON.stringify({
      action: { type: "crm.update", payload: { field: "phone" } },
      lastError: null,
    });
    db.transaction(() => {
      for (let i = 0; i < size; i++) {
        const at = new Date(NOW - 24 * HOUR_MS + Math.floor((i * 24 * HOUR_MS) / size)).toISOString();
        insert.run(`e${i}`, `p${i}`, i % 20 === 0 ? "failed" : "executed", at, at, doc);
      }
    })();
    const start = performance.now();
    migrateSqlite(db);
    const backfillMs = performance.now() - start;

    const from = new Date(NOW - 24 * HOUR_MS).toISOString();
    const to = new Date(NOW + 1).toISOString();
    const scan = db.prepare(SCAN);
    const reads = new AutonomyReads(new SqliteRunner(db), "default");
    const before = await median(() => scan.get(from, "default", "bot", "crm.update", from, to));
    const after = await median(() => reads.executionCounts("bot", "crm.update", from, to));
    const same = JSON.stringify(before.last) === JSON.stringify(after.last);
    if (!same)
      throw new Error(
        `different counts: ${JSON.stringify(before.last)} against ${JSON.stringify(after.last)}`,
      );
    rows.push({
      "executions in 24 h": size.toLocaleString("en"),
      "before: scan ms": before.ms.toFixed(2),
      "after: counters + end hours ms": after.ms.toFixed(2),
      "migrations 0018–0019 ms": Math.round(backfillMs),
      "same counts": same ? "yes" : "no",
    });
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`\nbench/breaker-readings — SQLite, one pair, a 24 h window, median of ${runs} readings\n`);
console.log(table(rows));
console.log(`\nload avg (1 min) ${loadavg()[0]!.toFixed(2)}`);
console.log(`command: npm run bench:breaker-readings -- --executions ${values.executions} --runs ${runs}`);
