import type { ExecutionRow, ExecutionWrite, GrantUseRow, HeldCount, StopRow } from "./execution-rows.ts";
import {
  EXECUTION_COLUMNS,
  executionFromDb,
  executionPatch,
  executionValues,
  GRANT_USE_COLUMNS,
  grantUseFromDb,
  grantUseValues,
  STOP_COLUMNS,
  stopFromDb,
  stopValues,
} from "./execution-rows.ts";
import { proposalFromDb } from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import { placeholders } from "./statements.ts";
import type { Conflict, ProposalRow } from "./store.ts";

/** The SQL of the execution tables, portable between SQLite and PostgreSQL like `statements.ts`. */
const insert = (table: string, columns: readonly string[]): string =>
  `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${placeholders(columns.length)}) ON CONFLICT DO NOTHING`;

/** A stop in force covering an agent's action type; both scope columns null is a stop of everything. */
const STOP_IN_FORCE = `SELECT id FROM stops WHERE workspace_id = ? AND lifted_at IS NULL
  AND (agent_id IS NULL OR agent_id = ?) AND (action_type IS NULL OR action_type = ?) ORDER BY created_at, id LIMIT 1`;

export const EXECUTION_SQL = {
  insertExecution: insert("executions", EXECUTION_COLUMNS),
  insertStop: insert("stops", STOP_COLUMNS),
  insertGrantUse: insert("used_grants", GRANT_USE_COLUMNS),
  setProposalExecutionStatus:
    "UPDATE proposals SET execution_status = ?, updated_at = ? WHERE workspace_id = ? AND id = ?",
  liftStop:
    "UPDATE stops SET lifted_at = ?, lifted_by = ?, lift_reason = ?, version = version + 1 WHERE workspace_id = ? AND id = ? AND version = ?",
  execution: "SELECT * FROM executions WHERE workspace_id = ? AND id = ?",
  executionsOfProposal:
    "SELECT * FROM executions WHERE workspace_id = ? AND proposal_id = ? ORDER BY created_at, id",
  executionByReview: "SELECT * FROM executions WHERE workspace_id = ? AND reconciliation_review_id = ?",
  // Queued and due, or executing with a lease that ran out (the attempt was cut off by a crash). A queued
  // one a stop in force covers waits for the lift: it is not due, so it never stands in front of
  // executions that may run (the stops in force are a handful of rows).
  dueExecutions: `SELECT * FROM executions e WHERE workspace_id = ? AND (
      (status = 'queued' AND next_attempt_at <= ? AND NOT EXISTS (
        SELECT 1 FROM stops s WHERE s.workspace_id = e.workspace_id AND s.lifted_at IS NULL
          AND (s.agent_id IS NULL OR s.agent_id = e.agent_id)
          AND (s.action_type IS NULL OR s.action_type = e.action_type)))
      OR (status = 'executing' AND lease_expires_at <= ?)
    ) ORDER BY next_attempt_at, id LIMIT ?`,
  queuedExecutions:
    "SELECT * FROM executions WHERE workspace_id = ? AND status = 'queued' ORDER BY next_attempt_at, id LIMIT ?",
  stopsInForce: "SELECT * FROM stops WHERE workspace_id = ? AND lifted_at IS NULL ORDER BY created_at, id",
  // The history of stops: a row per stop ever started, few enough that its order needs no index of its own.
  liftedStops:
    "SELECT * FROM stops WHERE workspace_id = ? AND lifted_at IS NOT NULL ORDER BY lifted_at DESC, id DESC LIMIT ?",
  liftedStopsAfter: `SELECT * FROM stops WHERE workspace_id = ? AND lifted_at IS NOT NULL
    AND (lifted_at, id) < (?, ?) ORDER BY lifted_at DESC, id DESC LIMIT ?`,
  stop: "SELECT * FROM stops WHERE workspace_id = ? AND id = ?",
  stopInForce: STOP_IN_FORCE,
  grantUse: "SELECT * FROM used_grants WHERE workspace_id = ? AND grant_id = ?",
  heldProposals:
    "SELECT * FROM proposals WHERE workspace_id = ? AND status = 'held' ORDER BY created_at, id LIMIT ?",
  // From the index of held proposals by agent and action type alone (0023): a row per pair with any held.
  heldCounts: `SELECT agent_id, action_type, COUNT(*) AS held FROM proposals
    WHERE workspace_id = ? AND status = 'held' GROUP BY agent_id, action_type`,
} as const;

/** Applies one execution-table write inside the batch transaction; a refusal is a conflict, not an error. */
export async function applyExecutionWrite(
  tx: SqlRunner,
  ws: string,
  write: ExecutionWrite,
): Promise<{ conflict?: Conflict }> {
  switch (write.kind) {
    case "insertExecution":
      return (await tx.run(EXECUTION_SQL.insertExecution, executionValues(ws, write.row))) === 1
        ? {}
        : { conflict: { kind: "duplicate", table: "executions", id: write.row.id } };
    case "updateExecution": {
      if (write.unlessStopped !== undefined) {
        const [stop] = await tx.all(EXECUTION_SQL.stopInForce, [
          ws,
          write.unlessStopped.agentId,
          write.unlessStopped.actionType,
        ]);
        if (stop !== undefined) return { conflict: { kind: "stopped", stopId: String(stop.id) } };
      }
      const { columns, values } = executionPatch(write.set);
      const sets = [...columns.map((c) => `${c} = ?`), "version = version + 1"].join(", ");
      const changed = await tx.run(
        `UPDATE executions SET ${sets} WHERE workspace_id = ? AND id = ? AND version = ?`,
        [...values, ws, write.id, write.expectVersion],
      );
      return changed === 1 ? {} : { conflict: { kind: "version", table: "executions", id: write.id } };
    }
    case "setProposalExecutionStatus": {
      const changed = await tx.run(EXECUTION_SQL.setProposalExecutionStatus, [
        write.status,
        write.at,
        ws,
        write.proposalId,
      ]);
      return changed === 1 ? {} : { conflict: { kind: "version", table: "proposals", id: write.proposalId } };
    }
    case "insertStop":
      return (await tx.run(EXECUTION_SQL.insertStop, stopValues(ws, write.row))) === 1
        ? {}
        : { conflict: { kind: "duplicate", table: "stops", id: write.row.id } };
    case "updateStop": {
      const { liftedAt, liftedBy, liftReason } = write.set;
      const changed = await tx.run(EXECUTION_SQL.liftStop, [
        liftedAt,
        liftedBy === null ? null : JSON.stringify(liftedBy),
        liftReason,
        ws,
        write.id,
        write.expectVersion,
      ]);
      return changed === 1 ? {} : { conflict: { kind: "version", table: "stops", id: write.id } };
    }
    case "insertGrantUse":
      return (await tx.run(EXECUTION_SQL.insertGrantUse, grantUseValues(ws, write.row))) === 1
        ? {}
        : { conflict: { kind: "duplicate", table: "used_grants", id: write.row.grantId } };
    default:
      throw new TypeError(`unknown execution write ${JSON.stringify((write as { kind?: unknown }).kind)}`);
  }
}

/** The execution-table reads of the Store port, over a store's read connection. */
export class ExecutionReads {
  constructor(
    private readonly reader: SqlRunner,
    private readonly ws: string,
  ) {}

  async execution(id: string): Promise<ExecutionRow | null> {
    const [row] = await this.reader.all(EXECUTION_SQL.execution, [this.ws, id]);
    return row === undefined ? null : executionFromDb(row);
  }

  async executionsOfProposal(proposalId: string): Promise<ExecutionRow[]> {
    return (await this.reader.all(EXECUTION_SQL.executionsOfProposal, [this.ws, proposalId])).map(
      executionFromDb,
    );
  }

  async executionByReview(reviewId: string): Promise<ExecutionRow | null> {
    const [row] = await this.reader.all(EXECUTION_SQL.executionByReview, [this.ws, reviewId]);
    return row === undefined ? null : executionFromDb(row);
  }

  async dueExecutions(now: string, limit: number): Promise<ExecutionRow[]> {
    return (await this.reader.all(EXECUTION_SQL.dueExecutions, [this.ws, now, now, limit])).map(
      executionFromDb,
    );
  }

  async queuedExecutions(limit: number): Promise<ExecutionRow[]> {
    return (await this.reader.all(EXECUTION_SQL.queuedExecutions, [this.ws, limit])).map(executionFromDb);
  }

  async stopsInForce(): Promise<StopRow[]> {
    return (await this.reader.all(EXECUTION_SQL.stopsInForce, [this.ws])).map(stopFromDb);
  }

  /** Lifted stops, most recently lifted first, after a `(liftedAt, id)` position. */
  async liftedStops(limit: number, after: { liftedAt: string; id: string } | null): Promise<StopRow[]> {
    const rows =
      after === null
        ? await this.reader.all(EXECUTION_SQL.liftedStops, [this.ws, limit])
        : await this.reader.all(EXECUTION_SQL.liftedStopsAfter, [this.ws, after.liftedAt, after.id, limit]);
    return rows.map(stopFromDb);
  }

  async stop(id: string): Promise<StopRow | null> {
    const [row] = await this.reader.all(EXECUTION_SQL.stop, [this.ws, id]);
    return row === undefined ? null : stopFromDb(row);
  }

  async heldProposals(limit: number): Promise<ProposalRow[]> {
    return (await this.reader.all(EXECUTION_SQL.heldProposals, [this.ws, limit])).map(proposalFromDb);
  }

  async heldCounts(): Promise<HeldCount[]> {
    return (await this.reader.all(EXECUTION_SQL.heldCounts, [this.ws])).map((r) => ({
      agentId: String(r.agent_id),
      actionType: String(r.action_type),
      held: Number(r.held),
    }));
  }

  async grantUse(grantId: string): Promise<GrantUseRow | null> {
    const [row] = await this.reader.all(EXECUTION_SQL.grantUse, [this.ws, grantId]);
    return row === undefined ? null : grantUseFromDb(row);
  }
}
