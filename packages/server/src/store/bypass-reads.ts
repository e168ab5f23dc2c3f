import type { DbRecord } from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import type { ProposalRow } from "./store.ts";

/**
 * The reads of the bypass check (SPEC §11), run before routing on every proposal of an action type
 * with bypass resistance. They return only what the comparison needs, extracted by the database from
 * the stored document (`json_extract` in SQLite, `->` on PostgreSQL's jsonb): reading and parsing
 * whole proposal rows (documents of several KB, with the response text) cost the event loop more
 * than everything else in the check.
 */

/** An agent's refused proposal: what a near-repeat is compared with. */
export interface RefusedProposal {
  id: string;
  createdAt: string;
  /** The proposal's current action payload. */
  payload: Record<string, unknown>;
}

/** An amount proposed for an entity, with what decides whether it was refused or still counts. */
export interface EntityAmount {
  proposalId: string;
  amount: number;
  createdAt: string;
  status: ProposalRow["status"];
  /** The verdict the proposal was routed with, or null when it has no route. */
  verdict: string | null;
}

type Engine = "sqlite" | "postgres";

const payloadOf = (engine: Engine) =>
  engine === "sqlite" ? "json_extract(doc, '$.action.payload')" : "doc -> 'action' -> 'payload'";

/**
 * One indexed range per status, each on `proposals_refused` (the refused proposals alone, migration
 * 0016; with `status IN (…)` the planner reads the whole window through `proposals_created` instead),
 * and no outer `ORDER BY`:
 * SQLite sorts a `UNION ALL` with two temporary b-trees, which cost ~100 µs a call even when both
 * halves are empty. The two short lists are merged here. A seeded canary a reviewer refused is never a
 * reason to link a real proposal to it (reviewer vigilance: canaries stay out of everything an agent
 * could learn from).
 */
const refusedSql = (engine: Engine) => {
  const half = (status: string) =>
    `SELECT * FROM (SELECT id, created_at, ${payloadOf(engine)} AS payload FROM proposals
      WHERE workspace_id = ? AND agent_id = ? AND action_type = ? AND status = '${status}'
      AND created_at >= ?
      AND NOT EXISTS (SELECT 1 FROM canaries c WHERE c.workspace_id = proposals.workspace_id AND c.proposal_id = proposals.id)
      ORDER BY created_at DESC LIMIT ?) ${status}`;
  return `${half("rejected")} UNION ALL ${half("blocked")}`;
};

/**
 * Whether the agent has any refused proposal of the type in the window, answered from the index alone
 * (one equality per status, as above, so the plan cannot drift to `proposals_created`).
 * Most checks find none; on SQLite this probe costs a fraction of the query above (whose two
 * subqueries and table lookups cost ~40–90 µs even when empty, most of it re-reading pages after
 * each commit invalidated the reader's cache), so it runs first there. PostgreSQL gains nothing
 * from a second round trip.
 */
const anyWith = (status: string) => `EXISTS (SELECT 1 FROM proposals WHERE workspace_id = ? AND agent_id = ?
    AND action_type = ? AND status = '${status}' AND created_at >= ?)`;
const ANY_REFUSED_SQL = `SELECT ${anyWith("rejected")} OR ${anyWith("blocked")} AS found`;

const amountsSql = (engine: Engine) =>
  `SELECT p.id, p.status, p.created_at, a.amount,
      ${engine === "sqlite" ? "json_extract(p.doc, '$.route.verdict')" : "p.doc -> 'route' ->> 'verdict'"} AS verdict
    FROM proposal_amounts a
    JOIN proposals p ON p.workspace_id = a.workspace_id AND p.id = a.proposal_id
    WHERE a.workspace_id = ? AND a.action_type = ? AND a.entity = ? AND a.created_at >= ?
    ORDER BY a.created_at DESC LIMIT ?`;

/** The bypass check's reads over a store's read connection. Times are ISO strings. */
export class BypassReads {
  readonly #refused: string;
  readonly #amounts: string;
  readonly #probeFirst: boolean;

  constructor(
    private readonly reader: SqlRunner,
    private readonly ws: string,
    engine: Engine,
  ) {
    this.#refused = refusedSql(engine);
    this.#amounts = amountsSql(engine);
    this.#probeFirst = engine === "sqlite";
  }

  /** An agent's rejected or blocked proposals of one action type created since `since`, newest first. */
  async refusedProposals(
    agentId: string,
    actionType: string,
    since: string,
    limit: number,
  ): Promise<RefusedProposal[]> {
    if (this.#probeFirst) {
      const key = [this.ws, agentId, actionType, since];
      const [probe] = await this.reader.all(ANY_REFUSED_SQL, [...key, ...key]);
      if (Number(probe?.found ?? 0) === 0) return [];
    }
    const half = [this.ws, agentId, actionType, since, limit];
    const rows = await this.reader.all(this.#refused, [...half, ...half]);
    if (rows.length === 0) return [];
    rows.sort(newestFirst);
    return rows.slice(0, limit).map((r) => ({
      id: String(r.id),
      createdAt: String(r.created_at),
      payload: fromJson(r.payload) as Record<string, unknown>,
    }));
  }

  /** Amounts of an action type proposed for `entity` since `since`, newest first. */
  async amountsOfEntity(
    actionType: string,
    entity: string,
    since: string,
    limit: number,
  ): Promise<EntityAmount[]> {
    const rows = await this.reader.all(this.#amounts, [this.ws, actionType, entity, since, limit]);
    return rows.map((r) => ({
      proposalId: String(r.id),
      amount: Number(r.amount),
      createdAt: String(r.created_at),
      status: String(r.status) as ProposalRow["status"],
      verdict: r.verdict == null ? null : String(r.verdict),
    }));
  }
}

function newestFirst(a: DbRecord, b: DbRecord): number {
  const [x, y] = [String(a.created_at), String(b.created_at)];
  if (x !== y) return x < y ? 1 : -1;
  return String(a.id) < String(b.id) ? 1 : -1;
}

const fromJson = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : value);
