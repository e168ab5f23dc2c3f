import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { increment, type RollupIncrement } from "../../src/store/metric-increment.ts";
import { writeRollups } from "../../src/store/metric-rollups.ts";
import { migrateSqlite, openSqliteWriter, SqliteRunner } from "../../src/store/sqlite-connection.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function migrated(): Database.Database {
  const dir = mkdtempSync(join(tmpdir(), "loopgate-rollups-"));
  dirs.push(dir);
  const db = openSqliteWriter(join(dir, "loopgate.db"), 1000);
  migrateSqlite(db);
  return db;
}

/** Sums `value` by `key` over the increments, as the tables should hold them. */
function naive(increments: readonly RollupIncrement[], keys: (i: RollupIncrement) => string[][]) {
  const sums = new Map<string, number>();
  for (const i of increments) {
    for (const key of keys(i)) {
      const id = JSON.stringify(key);
      sums.set(id, (sums.get(id) ?? 0) + i.value);
    }
  }
  return [...sums].map(([id, value]) => [...(JSON.parse(id) as string[]), value]).sort(byText);
}

const byText = (a: unknown[], b: unknown[]) => JSON.stringify(a).localeCompare(JSON.stringify(b));

/**
 * The rollups, totals and slices a batch writes, checked against sums computed from every increment
 * one by one: the writer sums a batch's increments by their dimensions first and derives the totals
 * and slices from those sums, which must come to the same rows.
 */
describe("metric rollups of a batch", () => {
  it("hold, per hour, in total and per slice, the sum of every increment, across batches", async () => {
    const db = migrated();
    const runner = new SqliteRunner(db);
    const at = (bucket: string, agentId: string, queue: string, reviewerId: string) => ({
      bucket: `2026-12-01T${bucket}:00:00.000Z`,
      actionType: agentId === "a_2" ? "billing.refund" : "support.reply",
      agentId,
      queue,
      reviewerId,
    });
    const batch = (n: number): RollupIncrement[] => [
      ...Array.from({ length: 24 }, () => [
        increment(at("05", "a_1", "support", ""), "proposals"),
        increment(at("05", "a_1", "support", ""), "route.review"),
      ]).flat(),
      increment(at("06", "a_1", "support", ""), "proposals"),
      increment(at("05", "a_2", "", ""), "route.auto"),
      increment(at("05", "a_2", "billing", "u_1"), "decide.seconds_sum", 1.5 * n),
      increment(at("05", "a_2", "billing", "u_2"), "decide.seconds_sum", 2.25),
      increment(at("05", "a_2", "billing", "u_1"), "decisions.approve"),
      increment(at("06", "a_2", "billing", "u_1"), "decisions.approve"),
    ];
    const written = [...batch(1), ...batch(2)];
    await writeRollups(runner, "default", batch(1));
    await writeRollups(runner, "default", batch(2));

    const rows = (sql: string) => (db.prepare(sql).raw().all() as unknown[][]).sort(byText);
    expect(
      rows("SELECT bucket, action_type, agent_id, queue, reviewer_id, metric, value FROM metric_rollups"),
    ).toEqual(naive(written, (i) => [[i.bucket, i.actionType, i.agentId, i.queue, i.reviewerId, i.metric]]));
    expect(
      rows("SELECT action_type, agent_id, queue, reviewer_id, metric, value FROM metric_totals"),
    ).toEqual(naive(written, (i) => [[i.actionType, i.agentId, i.queue, i.reviewerId, i.metric]]));
    expect(rows("SELECT slice, bucket, metric, value FROM metric_slices")).toEqual(
      naive(written, (i) =>
        [
          "*",
          `type:${i.actionType}`,
          `agent:${i.agentId}`,
          `type+agent:${i.actionType}|${i.agentId}`,
          ...(i.queue === "" ? [] : [`queue:${i.queue}`]),
          ...(i.reviewerId === "" ? [] : [`reviewer:${i.reviewerId}`]),
        ].map((slice) => [slice, i.bucket, i.metric]),
      ),
    );
    db.close();
  });
});
