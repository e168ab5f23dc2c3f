import { describe, expect, it } from "vitest";
import { storeEngines, storeWrittenBefore } from "../support/stores.ts";

/**
 * Migration 0022 on stops lifted before it, on SQLite and on PostgreSQL: the reason a lift gave is
 * taken from its `stop.lifted` audit entry; a lift without one, and a stop in force, keep none.
 */
describe.each(storeEngines())("Migration 0022, why a stop was lifted: %s", (engine) => {
  it("fills the lift reason from the stop.lifted entry of each lifted stop", async () => {
    const at = "2026-11-23T12:00:00.000Z";
    const stops = [
      { id: "s_reason", liftedAt: at },
      { id: "s_silent", liftedAt: at },
      { id: "s_in_force", liftedAt: null },
    ];
    const entries = [
      { seq: 1, type: "stop.created", data: { stopId: "s_reason", reason: "incident" } },
      { seq: 2, type: "stop.lifted", data: { stopId: "s_reason", reason: "vendor fixed the bug" } },
      { seq: 3, type: "stop.lifted", data: { stopId: "s_silent" } },
      { seq: 4, type: "stop.created", data: { stopId: "s_in_force", reason: "holiday" } },
    ];
    const { store, cleanup } = await storeWrittenBefore(engine, 22, async (run) => {
      for (const s of stops) {
        await run(
          `INSERT INTO stops (id, agent_id, action_type, reason, created_by, created_at, lifted_at, lifted_by, version)
            VALUES (?, NULL, NULL, 'why', ?, ?, ?, ?, 1)`,
          [
            s.id,
            JSON.stringify({ id: "u1", name: "olga" }),
            at,
            s.liftedAt,
            s.liftedAt === null ? null : JSON.stringify({ id: "u1", name: "olga" }),
          ],
        );
      }
      for (const e of entries) {
        await run(
          `INSERT INTO audit_entries (seq, at, actor_kind, actor_id, actor_name, type, proposal_id, data, prev_hash, hash)
            VALUES (?, ?, 'user', 'u1', 'olga', ?, NULL, ?, 'h0', ?)`,
          [e.seq, at, e.type, JSON.stringify(e.data), `h${e.seq}`],
        );
      }
    });
    try {
      await store.migrate();
      const reasons: Record<string, string | null | undefined> = {};
      for (const s of stops) reasons[s.id] = (await store.stop(s.id))?.liftReason;
      expect(reasons).toEqual({ s_reason: "vendor fixed the bug", s_silent: null, s_in_force: null });
    } finally {
      await store.close();
      await cleanup();
    }
  });
});
