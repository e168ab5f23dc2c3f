import {
  type ActionTypeSettings,
  type AuditDraft,
  type AutonomyPromotion,
  type AutonomyStage,
  PromotionRequest,
  promotionCriteria,
  stagesAbove,
} from "@loopgate/core";
import type { PromotionRow } from "../store/autonomy-rows.ts";
import { AppError, invalidInput } from "./app-error.ts";
import { commitStageChange } from "./autonomy-change.ts";
import { promotionEvidence, stageInForce } from "./autonomy-state.ts";
import { promotionView } from "./autonomy-views.ts";
import type { AppDeps } from "./deps.ts";
import { actorOf, type Principal, requireRole, requireSecondOwner } from "./principal.ts";
import { parseInput } from "./zod-issues.ts";

/**
 * `POST /v1/autonomy/promotions`: an owner asks to promote an agent on an action type to a higher stage
 * (by default the next one). Refused unless the evidence meets the promotion criteria now; nothing
 * changes until a different owner approves. Audited as `autonomy.promotion_requested`.
 *
 * @example
 * ```ts
 * await requestPromotion(deps, owner, { agent: "support-bot", actionType: "support.reply" });
 * // { status: "requested", from: "review_all", to: "threshold", criteria: [ … every one met ], … }
 * ```
 */
export async function requestPromotion(
  deps: AppDeps,
  principal: Principal,
  body: unknown,
): Promise<AutonomyPromotion> {
  const owner = requireRole(principal, ["owner"]);
  const parsed = parseInput(PromotionRequest, body, "invalid_promotion", "body");
  const { agent, actionType, comment } = parsed;
  const settings = declared(deps, actionType);
  const judged = await judge(deps, agent, actionType, settings, parsed.to);
  const at = deps.now().toISOString();
  const row: PromotionRow = {
    id: deps.newId(),
    agentId: agent,
    actionType,
    from: judged.from,
    to: judged.to,
    status: "requested",
    comment: comment ?? null,
    evidence: { evidence: judged.evidence, criteria: judged.criteria },
    requestedBy: { id: owner.user.id, name: owner.user.name, at },
    approvedBy: null,
    policyVersion: null,
    createdAt: at,
    version: 1,
  };
  const result = await deps.store.commit({
    writes: [{ kind: "insertPromotion", row }],
    audit: [entry(at, principal, "autonomy.promotion_requested", row, {})],
  });
  if (!result.ok) {
    const [pending] = await deps.store.autonomyPromotions(
      { agentId: agent, actionType, status: "requested" },
      1,
    );
    throw new AppError(
      "conflict",
      "promotion_already_requested",
      `A promotion of ${agent} on ${actionType} is already waiting for approval: approve it with POST /v1/autonomy/promotions/${pending?.id ?? "<id>"}/approve`,
      { promotion: pending === undefined ? null : promotionView(pending) },
    );
  }
  return promotionView(row);
}

/**
 * `POST /v1/autonomy/promotions/:id/approve`: a second owner (never the one who asked) puts the promotion
 * in force as a new policy version, if the stage has not changed meanwhile and the evidence still meets
 * the criteria. Audited as `autonomy.promoted` with the evidence.
 */
export async function approvePromotion(
  deps: AppDeps,
  principal: Principal,
  id: string,
): Promise<AutonomyPromotion> {
  const owner = requireRole(principal, ["owner"]);
  const row = await deps.store.autonomyPromotion(id);
  if (row === null) {
    throw new AppError(
      "not_found",
      "promotion_not_found",
      `No promotion ${id}: list them with GET /v1/autonomy`,
    );
  }
  if (row.status !== "requested") {
    throw new AppError(
      "conflict",
      "promotion_not_requested",
      `This promotion is ${row.status}; only a requested one can be approved`,
      {
        status: row.status,
      },
    );
  }
  requireSecondOwner(owner, row.requestedBy, "You asked for this promotion");
  const settings = declared(deps, row.actionType);
  const judged = await judge(deps, row.agentId, row.actionType, settings, row.to, row);
  const at = deps.now().toISOString();
  const approvedBy = { id: owner.user.id, name: owner.user.name, at };
  const change = await commitStageChange(deps, {
    agentId: row.agentId,
    actionType: row.actionType,
    kind: "promotion",
    from: row.from,
    to: row.to,
    reason: `promoted by ${row.requestedBy.name} and ${owner.user.name} on the evidence of ${judged.evidence.decisions} decisions`,
    breaker: null,
    promotionId: row.id,
    by: { id: owner.user.id, name: owner.user.name },
    actor: actorOf(principal),
    expectChangeId: judged.expectChangeId,
    writes: (policyVersion) => [
      {
        kind: "approvePromotion",
        id: row.id,
        expectVersion: row.version,
        expectPolicyVersion: policyVersion,
        approvedBy,
      },
    ],
    audit: entry(at, principal, "autonomy.promoted", row, {
      requestedBy: row.requestedBy,
      evidence: judged.evidence,
      criteria: judged.criteria,
    }),
  });
  if (change === null) {
    throw new AppError(
      "conflict",
      "autonomy_changed",
      `The stage of ${row.agentId} on ${row.actionType} or the policy changed at the same moment: read GET /v1/autonomy and retry`,
    );
  }
  return promotionView({
    ...row,
    status: "approved",
    approvedBy,
    policyVersion: change.policyVersion,
    evidence: { evidence: judged.evidence, criteria: judged.criteria },
    version: row.version + 1,
  });
}

function declared(deps: AppDeps, actionType: string): ActionTypeSettings {
  const settings = deps.policies.active().actionTypes.get(actionType);
  if (settings === undefined) {
    throw invalidInput("unknown_action_type", [
      {
        path: "body.actionType",
        message: `"${actionType}" is not declared in the active policy: use one of its action types`,
      },
    ]);
  }
  return settings;
}

/**
 * Judges a promotion of the pair to `to` now: the stage must be the one it starts from (for an
 * approval, the one the request started from), `to` a stage above it that the action type allows,
 * and every criterion met.
 */
async function judge(
  deps: AppDeps,
  agentId: string,
  actionType: string,
  settings: ActionTypeSettings,
  requested: AutonomyStage | undefined,
  promotion?: PromotionRow,
) {
  const [stages, maps] = await Promise.all([deps.store.autonomyStages(), deps.store.calibrationMaps()]);
  const stageRow = stages.find((s) => s.agentId === agentId && s.actionType === actionType);
  const from = stageInForce(settings, stageRow);
  if (promotion !== undefined && promotion.from !== from) {
    throw new AppError(
      "conflict",
      "autonomy_changed",
      `The stage is ${from} now, not ${promotion.from} as when the promotion was asked for: ask again`,
      { stage: from },
    );
  }
  const allowed = stagesAbove(from, settings.reversible);
  const to = requested ?? allowed[0];
  if (to === undefined) {
    throw new AppError(
      "conflict",
      "no_higher_stage",
      `${agentId} is already at ${from}, the highest stage for ${actionType}`,
    );
  }
  if (!allowed.includes(to)) {
    throw invalidInput("invalid_stage", [
      {
        path: "body.to",
        message:
          to === "post_review" && settings.reversible === false
            ? `post_review needs a reversible action type; ${actionType} is not: choose one of ${allowed.join(", ")}`
            : `must be above the stage in force (${from}): choose one of ${allowed.join(", ") || "none"}`,
      },
    ]);
  }
  const map = maps.find((m) => m.agentId === agentId && m.actionType === actionType);
  const evidence = await promotionEvidence(
    deps.store,
    { agentId, actionType },
    stageRow?.changedAt ?? null,
    map,
    deps.now(),
  );
  const criteria = promotionCriteria(evidence, settings.promotion, to);
  const unmet = criteria.filter((c) => !c.met);
  if (unmet.length > 0) {
    throw new AppError(
      "conflict",
      "promotion_criteria_unmet",
      `The evidence does not allow this promotion yet: ${unmet.map(describe).join("; ")}`,
      { evidence, criteria },
    );
  }
  return { from, to, evidence, criteria, expectChangeId: stageRow?.changeId ?? null };
}

function describe(c: { name: string; value: number | null; bound: number; comparison: string }): string {
  const value = c.value === null ? "no evidence" : String(Math.round(c.value * 10_000) / 10_000);
  return `${c.name} is ${value}, needs ${c.comparison === "at_least" ? "at least" : "at most"} ${c.bound}`;
}

function entry(
  at: string,
  principal: Principal,
  type: string,
  row: PromotionRow,
  extra: Record<string, unknown>,
): AuditDraft {
  return {
    at,
    actor: actorOf(principal),
    type,
    proposalId: null,
    data: {
      promotionId: row.id,
      agent: row.agentId,
      actionType: row.actionType,
      from: row.from,
      to: row.to,
      comment: row.comment,
      ...extra,
    },
  };
}
