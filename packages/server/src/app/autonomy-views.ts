import {
  type ActionTypeSettings,
  type AutonomyChange,
  type AutonomyChangeList,
  AutonomyChangeQuery,
  type AutonomyList,
  type AutonomyPromotion,
  AutonomyQuery,
  type CompiledPolicy,
} from "@loopgate/core";
import type { AutonomyChangeRow, AutonomyStageRow, PromotionRow } from "../store/autonomy-rows.ts";
import { autonomyStateOf } from "./autonomy-state.ts";
import type { AppDeps } from "./deps.ts";
import { type Principal, requireRole } from "./principal.ts";
import { parseInput } from "./zod-issues.ts";

/** How many past changes each pair shows in `GET /v1/autonomy`. */
const HISTORY_SHOWN = 10;

/** The wire form of a stored promotion. */
export function promotionView(row: PromotionRow): AutonomyPromotion {
  const judged = row.evidence as Pick<AutonomyPromotion, "evidence" | "criteria">;
  return {
    id: row.id,
    agent: row.agentId,
    actionType: row.actionType,
    from: row.from,
    to: row.to,
    status: row.status,
    comment: row.comment,
    evidence: judged.evidence,
    criteria: judged.criteria,
    requestedBy: row.requestedBy,
    approvedBy: row.approvedBy,
    policyVersion: row.policyVersion,
    createdAt: row.createdAt,
  };
}

/** The wire form of a stored promotion or demotion. */
export function changeView(row: AutonomyChangeRow): AutonomyChange {
  return {
    id: row.id,
    agent: row.agentId,
    actionType: row.actionType,
    kind: row.kind,
    from: row.from,
    to: row.to,
    reason: row.reason,
    breaker: row.breaker,
    promotionId: row.promotionId,
    by: row.by,
    at: row.at,
    policyVersion: row.policyVersion,
  };
}

/** One agent and action type autonomy applies to, with its settings and the stage row set for it, if any. */
export interface AutonomyPair {
  agentId: string;
  actionType: string;
  settings: ActionTypeSettings;
  stageRow: AutonomyStageRow | undefined;
}

/**
 * The agents and action types autonomy applies to: every pair that has proposed, has a stage in force
 * or a promotion waiting, limited to action types the active policy declares — each with its stage row,
 * from the same read.
 */
export async function autonomyPairs(
  deps: Pick<AppDeps, "store">,
  policy: CompiledPolicy,
): Promise<AutonomyPair[]> {
  const [proposing, stages, pending] = await Promise.all([
    deps.store.proposingPairs(),
    deps.store.autonomyStages(),
    deps.store.autonomyPromotions({ status: "requested" }, 500),
  ]);
  const key = (pair: { agentId: string; actionType: string }) => `${pair.agentId}\u0000${pair.actionType}`;
  const stageOf = new Map(stages.map((row) => [key(row), row]));
  const seen = new Map<string, AutonomyPair>();
  for (const pair of [...proposing, ...stages, ...pending]) {
    const settings = policy.actionTypes.get(pair.actionType);
    if (settings === undefined) continue;
    seen.set(key(pair), {
      agentId: pair.agentId,
      actionType: pair.actionType,
      settings,
      stageRow: stageOf.get(key(pair)),
    });
  }
  return [...seen.values()].sort(
    (a, b) => a.agentId.localeCompare(b.agentId) || a.actionType.localeCompare(b.actionType),
  );
}

/**
 * `GET /v1/autonomy` (owners and auditors): per agent and action type, the stage in force, the evidence
 * against the promotion criteria, the breakers' readings, a promotion waiting for approval and the
 * latest changes.
 */
export async function listAutonomy(
  deps: AppDeps,
  principal: Principal,
  query: Record<string, string>,
): Promise<AutonomyList> {
  requireRole(principal, ["owner", "auditor"]);
  const parsed = parseInput(AutonomyQuery, query, "invalid_query", "query");
  return autonomyStates(deps, parsed);
}

/**
 * The autonomy of every agent and action type (or those the filter names), as `GET /v1/autonomy`
 * shows it; also what `loopgate autonomy` prints.
 */
export async function autonomyStates(
  deps: Pick<AppDeps, "store" | "policies" | "now">,
  filter: AutonomyQuery,
): Promise<AutonomyList> {
  const policy = deps.policies.active();
  const now = deps.now();
  const pairs = (await autonomyPairs(deps, policy)).filter(
    (p) =>
      (filter.agent === undefined || p.agentId === filter.agent) &&
      (filter.actionType === undefined || p.actionType === filter.actionType),
  );
  const maps = await deps.store.calibrationMaps();
  const key = (a: string, t: string) => `${a}\u0000${t}`;
  const mapOf = new Map(maps.map((m) => [key(m.agentId, m.actionType), m]));
  const items = await Promise.all(
    pairs.map(async (pair) => {
      const filter = { agentId: pair.agentId, actionType: pair.actionType };
      const [pending, history] = await Promise.all([
        deps.store.autonomyPromotions({ ...filter, status: "requested" }, 1),
        deps.store.autonomyChanges(filter, HISTORY_SHOWN),
      ]);
      return autonomyStateOf({
        store: deps.store,
        settings: pair.settings,
        pair,
        stageRow: pair.stageRow,
        map: mapOf.get(key(pair.agentId, pair.actionType)),
        pending: pending[0] ?? null,
        history: history.items,
        now,
        view: promotionView,
        changeView,
      });
    }),
  );
  return { items };
}

/** `GET /v1/autonomy/changes` (owners and auditors): promotions and demotions, newest first. */
export async function listAutonomyChanges(
  deps: AppDeps,
  principal: Principal,
  query: Record<string, string>,
): Promise<AutonomyChangeList> {
  requireRole(principal, ["owner", "auditor"]);
  const { agent, actionType, limit, cursor } = parseInput(
    AutonomyChangeQuery,
    query,
    "invalid_query",
    "query",
  );
  const page = await deps.store.autonomyChanges(
    {
      ...(agent === undefined ? {} : { agentId: agent }),
      ...(actionType === undefined ? {} : { actionType }),
    },
    limit,
    cursor,
  );
  return { items: page.items.map(changeView), nextCursor: page.nextCursor };
}
