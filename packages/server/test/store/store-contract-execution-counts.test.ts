import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OutcomeRow } from "../../src/store/autonomy-rows.ts";
import type { ExecutionPatch, ExecutionRow } from "../../src/store/execution-rows.ts";
import type { Store, Write } from "../../src/store/store.ts";
import { at, auditDraft, changeOf, proposalRow, T0, testId } from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, storeWrittenBefore, type TestStore } from "../support/stores.ts";

/**
 * The circuit breakers' execution counts (migration 0018), on SQLite and on PostgreSQL: whole hours of
 * the window come from the hourly counters the commits keep, the partial hours at its ends from rows.
 * Executions that finish once must count exactly as the scan of rows did before; transitions count
 * once, however the execution got there.
 */

const HOUR = 3600;
const PAIR = { agentId: "bot", actionType: "crm.update" } as const;
const FINISHED = ["executed", "failed", "dead_lettered", "unknown"];

/** `T0` plus hours (and seconds), as an ISO string. */
const hour = (hours: number, seconds = 0) => at(hours * HOUR + seconds);

describe.each(storeEngines())("Store contract, breaker execution counts: %s", (engine) => {
  let db: TestStore;
  let store: Store;

  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
    await commit([
      { kind: "insertPolicy", row: { text: "version: 1", hash: "h1", createdAt: T0, createdBy: "t" } },
    ]);
  });
  afterEach(() => db.cleanup());

  async function commit(writes: Write[]) {
    const result = await store.commit({ ...changeOf(writes), audit: [auditDraft("test.change", null)] });
    expect(result.ok).toBe(true);
  }

  /** A queued execution of a new proposal of the pair (or of another agent), created at `createdAt`. */
  async function queued(createdAt: string, overrides: Partial<ExecutionRow> = {}): Promise<ExecutionRow> {
    const proposal = proposalRow({ agentId: overrides.agentId ?? PAIR.agentId, actionType: PAIR.actionType });
    const row: ExecutionRow = {
      id: testId("exec"),
      proposalId: proposal.id,
      kind: "execute",
      ...PAIR,
      status: "queued",
      attempts: 0,
      nextAttemptAt: createdAt,
      leaseOwner: null,
      leaseExpiresAt: null,
      reconciliationReviewId: null,
      rollbackOf: null,
      version: 1,
      createdAt,
      updatedAt: createdAt,
      doc: {
        action: { type: PAIR.actionType, payload: {} },
        decision: null,
        executor: {
          via: "webhook",
          url: "https://x",
          secret: null,
          idempotent: true,
          timeoutMs: 1000,
          maxAttempts: 3,
        },
        traceparent: null,
        lastError: null,
        lastStatusCode: null,
      },
      ...overrides,
    };
    await commit([
      { kind: "insertProposal", row: proposal },
      { kind: "insertExecution", row },
    ]);
    return row;
  }

  /** Applies a patch at the row's version, as the dispatcher and reconciliation do; returns the row after. */
  async function update(row: ExecutionRow, set: ExecutionPatch): Promise<ExecutionRow> {
    await commit([{ kind: "updateExecution", id: row.id, expectVersion: row.version, set }]);
    return { ...row, ...set, version: row.version + 1 };
  }

  /** Claims the execution at `claimAt` and ends the attempt in `status` at `endAt`. */
  async function attempt(row: ExecutionRow, claimAt: string, status: string, endAt: string) {
    const claimed = await update(row, {
      status: "executing",
      attempts: row.attempts + 1,
      leaseOwner: "w",
      leaseExpiresAt: endAt,
      updatedAt: claimAt,
    });
    return update(claimed, {
      status: status as ExecutionRow["status"],
      leaseOwner: null,
      leaseExpiresAt: null,
      nextAttemptAt: status === "queued" ? endAt : null,
      updatedAt: endAt,
    });
  }

  const counts = (from: string, to: string) => store.executionCounts(PAIR.agentId, PAIR.actionType, from, to);

  /** What the scan of rows counted before migration 0018: executions by last change and status now. */
  function scanned(rows: readonly ExecutionRow[], from: string, to: string) {
    const inWindow = rows.filter(
      (r) => r.agentId === PAIR.agentId && r.updatedAt >= from && r.updatedAt < to,
    );
    const execute = inWindow.filter((r) => r.kind === "execute");
    return {
      finished: execute.filter((r) => FINISHED.includes(r.status)).length,
      succeeded: execute.filter((r) => r.status === "executed").length,
      failed: execute.filter((r) => FINISHED.includes(r.status) && r.status !== "executed").length,
      rollbacks: inWindow.filter((r) => r.kind === "rollback" && r.createdAt >= from).length,
    };
  }

  it("counts what the scan of rows counted, inside the window, at its ends and outside it", async () => {
    // The window [10:30, 14:30) has whole hours 11:00-14:00 and partial ones at both ends.
    const ends: [string, string][] = [
      ["10:15:00.000", "executed"], // before
      ["10:29:59.999", "failed"], // just before
      ["10:30:00.000", "executed"], // the first instant
      ["10:40:00.000", "dead_lettered"],
      ["11:00:00.000", "executed"], // the first whole hour
      ["11:00:01.000", "unknown"],
      ["12:30:00.000", "executed"],
      ["12:40:00.000", "failed"],
      ["13:59:59.999", "executed"], // the last whole hour
      ["14:00:00.000", "executed"], // the end hour
      ["14:20:00.000", "failed"],
      ["14:29:59.999", "executed"], // the last instant
      ["14:30:00.000", "executed"], // the end (exclusive)
      ["15:00:00.000", "failed"], // after
    ];
    const rows: ExecutionRow[] = [];
    for (const [time, status] of ends) {
      const end = `${T0.slice(0, 11)}${time}Z`;
      const created = new Date(Date.parse(end) - 60_000).toISOString();
      rows.push(await attempt(await queued(created), created, status, end));
    }
    // Still queued or executing: never counted; another agent's: not this pair's.
    rows.push(await queued(hour(0, 5)));
    rows.push(
      await attempt(await queued(hour(0, 6), { agentId: "other" }), hour(0, 6), "failed", hour(0, 7)),
    );
    // Rollbacks started in whole hours, at the ends and outside.
    for (const created of [hour(-2), hour(-1.5, 1), hour(0, 1), hour(2, 1), hour(2.5)]) {
      const original = rows[0]!;
      const rollback: ExecutionRow = {
        ...original,
        id: testId("rb"),
        proposalId: proposalRow().id,
        kind: "rollback",
        status: "queued",
        rollbackOf: original.id,
        version: 1,
        createdAt: created,
        updatedAt: created,
      };
      const proposal = proposalRow({ id: rollback.proposalId, ...PAIR });
      await commit([
        { kind: "insertProposal", row: proposal },
        { kind: "insertExecution", row: rollback },
      ]);
      rows.push(await attempt(rollback, created, "executed", created));
    }

    const windows: [string, string][] = [
      [hour(-1.5), hour(2.5)], // partial hours at both ends
      [hour(-1), hour(2)], // whole hours only
      [hour(-1.5), hour(-1.5, 20 * 60)], // inside one hour
      [hour(-1.75), hour(2.25)],
      [hour(-3), hour(4)],
      [hour(3, 1), hour(5)], // nothing
    ];
    for (const [from, to] of windows) {
      expect(await counts(from, to), `${from} – ${to}`).toEqual(scanned(rows, from, to));
    }
    expect(await counts(hour(-1.5), hour(2.5))).toEqual({
      finished: 10,
      succeeded: 6,
      failed: 4,
      rollbacks: 3,
    });
  });

  it("counts an attempt once however the execution got there: retries, settling and repeats", async () => {
    const window: [string, string] = [hour(-2), hour(4)]; // every change below is in its whole hours
    // Two attempts retried automatically, the third executed: one finish.
    let retried = await queued(hour(0));
    retried = await attempt(retried, hour(0, 1), "queued", hour(0, 2));
    retried = await attempt(retried, hour(0, 3), "queued", hour(0, 4));
    retried = await attempt(retried, hour(1, 5), "executed", hour(1, 6));
    expect(await counts(...window)).toEqual({ finished: 1, succeeded: 1, failed: 0, rollbacks: 0 });

    // The same status written again (a repeated write at the next version): not a transition.
    retried = await update(retried, { status: "executed", updatedAt: hour(1, 7) });
    expect(await counts(...window)).toEqual({ finished: 1, succeeded: 1, failed: 0, rollbacks: 0 });

    // Unknown, then settled by a person as executed: the attempt failed, the execution succeeded.
    const settled = await attempt(await queued(hour(0, 10)), hour(0, 11), "unknown", hour(0, 12));
    // The reconciliation review escalated: a change that is no transition.
    const touched = await update(settled, { reconciliationReviewId: "rev_2", updatedAt: hour(1) });
    await update(touched, { status: "executed", updatedAt: hour(2) });
    expect(await counts(...window)).toEqual({ finished: 2, succeeded: 2, failed: 1, rollbacks: 0 });

    // Dead-lettered, then marked failed: one failure.
    const marked = await attempt(await queued(hour(0, 20)), hour(0, 21), "dead_lettered", hour(0, 22));
    await update(marked, { status: "failed", updatedAt: hour(1, 30) });
    expect(await counts(...window)).toEqual({ finished: 3, succeeded: 2, failed: 2, rollbacks: 0 });

    // Dead-lettered, then retried by a person and executed: a new attempt that finished.
    let again = await attempt(await queued(hour(0, 30)), hour(0, 31), "dead_lettered", hour(0, 32));
    again = await update(again, { status: "queued", nextAttemptAt: hour(2, 1), updatedAt: hour(2, 1) });
    await attempt(again, hour(2, 2), "executed", hour(2, 3));
    expect(await counts(...window)).toEqual({ finished: 5, succeeded: 3, failed: 3, rollbacks: 0 });

    // Each change counts in its own hour.
    expect(await counts(hour(0), hour(1))).toEqual({ finished: 3, succeeded: 0, failed: 3, rollbacks: 0 });
    expect(await counts(hour(1), hour(2))).toEqual({ finished: 1, succeeded: 1, failed: 0, rollbacks: 0 });
    expect(await counts(hour(2), hour(3))).toEqual({ finished: 1, succeeded: 2, failed: 0, rollbacks: 0 });
  });

  it("counts changes written in one group commit once each", async () => {
    const rows = await Promise.all(Array.from({ length: 12 }, (_, i) => queued(hour(0, i))));
    const claimed = await Promise.all(
      rows.map((r, i) =>
        update(r, { status: "executing", attempts: 1, leaseOwner: "w", updatedAt: hour(0, 100 + i) }),
      ),
    );
    await Promise.all(
      claimed.map((r, i) =>
        update(r, { status: i % 3 === 0 ? "failed" : "executed", updatedAt: hour(1, i) }),
      ),
    );
    expect(await counts(hour(-1), hour(3))).toEqual({ finished: 12, succeeded: 8, failed: 4, rollbacks: 0 });
  });

  it("counts incidents from the hourly counters and the rows at the ends alike", async () => {
    const times = [hour(-2), hour(-1.5), hour(-1.5, 59), hour(-1), hour(0, 30), hour(2, 10), hour(2.5)];
    const outcomes: OutcomeRow[] = [];
    for (const time of times) {
      const proposal = proposalRow(PAIR);
      const outcome: OutcomeRow = {
        id: testId("out"),
        proposalId: proposal.id,
        ...PAIR,
        kind: "incident",
        severity: "high",
        comment: null,
        recordedBy: { kind: "user", id: "u_olivia", name: "olivia" },
        at: time,
      };
      outcomes.push(outcome);
      await commit([
        { kind: "insertProposal", row: proposal },
        { kind: "insertOutcome", row: outcome },
      ]);
    }
    for (const [from, to] of [
      [hour(-1.5), hour(2.5)],
      [hour(-1.5, 30), hour(2, 10)],
      [hour(-1), hour(2)],
      [hour(-3), hour(4)],
    ] as const) {
      const expected = outcomes.filter((o) => o.at >= from && o.at < to).length;
      expect(await store.incidentCount(PAIR.agentId, PAIR.actionType, from, to), `${from} – ${to}`).toBe(
        expected,
      );
    }
  });
});

/**
 * Migration 0018 on executions written before it, on both engines: the counters are backfilled so
 * that the first reading after the upgrade equals the scan of rows, and the commits take over.
 */
describe.each(storeEngines())("Migration 0018, the execution counters: %s", (engine) => {
  it("backfills the counters from the executions stored, then counts transitions once", async () => {
    const statuses = ["executed", "failed", "dead_lettered", "unknown", "queued", "executing", "cancelled"];
    const rows = Array.from({ length: 70 }, (_, i) => ({
      id: `exec_${i}`,
      kind: i % 9 === 0 ? "rollback" : "execute",
      status: statuses[i % 7]!,
      attempts: 1,
      updatedAt: at(-10 * HOUR + i * 17 * 60), // every 17 minutes from 02:00 to about 21:30
    }));
    const insert = `INSERT INTO executions (id, proposal_id, kind, agent_id, action_type, status, attempts,
      version, created_at, updated_at, doc) VALUES (?, ?, ?, 'bot', 'crm.update', ?, ?, 1, ?, ?, '{}')`;

    const { store, cleanup } = await storeWrittenBefore(engine, 18, async (run) => {
      for (const r of rows)
        await run(insert, [r.id, `p_${r.id}`, r.kind, r.status, r.attempts, r.updatedAt, r.updatedAt]);
    });

    try {
      await store.migrate();
      const execute = (from: string, to: string) =>
        rows.filter((r) => r.kind === "execute" && r.updatedAt >= from && r.updatedAt < to);
      const scanned = (from: string, to: string) => ({
        finished: execute(from, to).filter((r) => FINISHED.includes(r.status)).length,
        succeeded: execute(from, to).filter((r) => r.status === "executed").length,
        failed: execute(from, to).filter((r) => FINISHED.includes(r.status) && r.status !== "executed")
          .length,
      });
      for (const [from, to] of [
        [hour(-8.5), hour(8.5)],
        [hour(-9), hour(6)],
        [hour(-2.25), hour(-1.75)],
        [hour(-12), hour(12)],
      ] as const) {
        // Rollbacks are counters of migration 0011, which these rows (written by SQL) never went through.
        const { rollbacks: _, ...counts } = await store.executionCounts(
          PAIR.agentId,
          PAIR.actionType,
          from,
          to,
        );
        expect(counts, `${from} – ${to}`).toEqual(scanned(from, to));
      }
      const all = await store.executionCounts(PAIR.agentId, PAIR.actionType, hour(-12), hour(12));
      expect(all.finished).toBeGreaterThan(20);

      // An unknown execution settled as executed after the upgrade: a success, not a second finish.
      const unknown = rows.find((r) => r.kind === "execute" && r.status === "unknown")!;
      const result = await store.commit({
        writes: [
          {
            kind: "updateExecution",
            id: unknown.id,
            expectVersion: 1,
            set: { status: "executed", updatedAt: hour(11) },
          },
        ],
        audit: [auditDraft("execution.reconciled", null)],
      });
      expect(result.ok).toBe(true);
      expect(await store.executionCounts(PAIR.agentId, PAIR.actionType, hour(-12), hour(12))).toMatchObject({
        finished: all.finished,
        succeeded: all.succeeded + 1,
        failed: all.failed,
      });
    } finally {
      await store.close();
      await cleanup();
    }
  });
});
