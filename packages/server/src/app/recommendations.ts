import {
  type AuditDraft,
  type Recommendation,
  type RecommendationList,
  RecommendationQuery,
} from "@loopgate/core";
import type { RecommendationRow } from "../store/calibration-rows.ts";
import { AppError } from "./app-error.ts";
import { calibrationCache } from "./calibrate.ts";
import type { AppDeps } from "./deps.ts";
import { actorOf, type Principal, requireRole, requireSecondOwner } from "./principal.ts";
import { parseInput } from "./zod-issues.ts";

/** The wire form of a stored recommendation. */
export function recommendationView(row: RecommendationRow): Recommendation {
  return {
    id: row.id,
    agent: row.agentId,
    actionType: row.actionType,
    threshold: row.threshold,
    targetErrorRate: row.targetErrorRate,
    errorUpperBound: row.detail.errorUpperBound,
    expectedAutomationRate: row.detail.expectedAutomationRate,
    evidence: row.detail.evidence,
    status: row.status,
    requestedBy: row.requestedBy === null ? null : { ...row.requestedBy, at: row.requestedAt ?? "" },
    approvedBy: row.approvedBy === null ? null : { ...row.approvedBy, at: row.approvedAt ?? "" },
    policyVersion: row.policyVersion,
    calibration: row.calibrationId,
    detail: row.detail,
    createdAt: row.createdAt,
  };
}

/** `GET /v1/recommendations` (owners and auditors): newest first, filtered, paged by cursor. */
export async function listRecommendations(
  deps: AppDeps,
  principal: Principal,
  query: Record<string, string>,
): Promise<RecommendationList> {
  requireRole(principal, ["owner", "auditor"]);
  const { agent, actionType, status, limit, cursor } = parseInput(
    RecommendationQuery,
    query,
    "invalid_query",
    "query",
  );
  const page = await deps.store.listRecommendations(
    {
      ...(agent === undefined ? {} : { agentId: agent }),
      ...(actionType === undefined ? {} : { actionType }),
      ...(status === undefined ? {} : { status }),
    },
    limit,
    cursor,
  );
  return { items: page.items.map(recommendationView), nextCursor: page.nextCursor };
}

/**
 * `POST /v1/recommendations/:id/apply`: an owner asks for a proposed recommendation to be put in force.
 * Nothing changes yet; a different owner must approve it. Audited as `recommendation.apply_requested`.
 */
export async function requestRecommendation(
  deps: AppDeps,
  principal: Principal,
  id: string,
): Promise<Recommendation> {
  const owner = requireRole(principal, ["owner"]);
  const row = await proposedRecommendation(deps, id);
  if (row.requestedBy !== null) {
    throw new AppError(
      "conflict",
      "apply_already_requested",
      `${row.requestedBy.name} already asked to apply this recommendation; a different owner approves it with POST /v1/recommendations/${id}/approve`,
      { requestedBy: row.requestedBy },
    );
  }
  const at = deps.now().toISOString();
  const person = { id: owner.user.id, name: owner.user.name };
  const result = await deps.store.commit({
    writes: [
      {
        kind: "updateRecommendation",
        id,
        expectVersion: row.version,
        set: { requestedBy: person, requestedAt: at },
      },
    ],
    audit: [entry(at, principal, "recommendation.apply_requested", row, {})],
  });
  if (!result.ok) throw changedMeanwhile(id);
  return recommendationView({ ...row, requestedBy: person, requestedAt: at, version: row.version + 1 });
}

/**
 * `POST /v1/recommendations/:id/approve`: a second owner (never the one who asked) puts the threshold in
 * force as a new policy version — the active policy's text stored again, with the threshold recorded for
 * the agent and action type — in one commit with its audit entries. The threshold outlives policy files
 * loaded later; new proposals route with it within seconds on every replica.
 */
export async function approveRecommendation(
  deps: AppDeps,
  principal: Principal,
  id: string,
): Promise<Recommendation> {
  const owner = requireRole(principal, ["owner"]);
  const row = await proposedRecommendation(deps, id);
  if (row.requestedBy === null) {
    throw new AppError(
      "conflict",
      "apply_not_requested",
      `No owner has asked to apply this recommendation yet: one owner asks with POST /v1/recommendations/${id}/apply, a different owner approves`,
    );
  }
  requireSecondOwner(owner, row.requestedBy, "You asked to apply this recommendation");
  const [maps, thresholds, active] = await Promise.all([
    deps.store.calibrationMaps(),
    deps.store.thresholdsInForce(),
    deps.store.activePolicy(),
  ]);
  const map = maps.find((m) => m.agentId === row.agentId && m.actionType === row.actionType);
  if (map?.id !== row.calibrationId) {
    throw new AppError(
      "conflict",
      "calibration_changed",
      "The calibration map this threshold was computed for has been refitted: review the newer recommendation",
      { calibration: map?.id ?? null },
    );
  }
  if (active === null) {
    throw new AppError("conflict", "no_policy", "No policy is loaded yet: PUT /v1/policy as an owner first");
  }
  const previous = thresholds.find((t) => t.agentId === row.agentId && t.actionType === row.actionType);
  const at = deps.now().toISOString();
  const person = { id: owner.user.id, name: owner.user.name };
  const version = active.version + 1;
  const result = await deps.store.commit({
    writes: [
      {
        kind: "insertPolicy",
        row: { text: active.text, hash: active.hash, createdAt: at, createdBy: person.name },
        expectVersion: version,
      },
      {
        kind: "approveRecommendation",
        id,
        expectVersion: row.version,
        expectPolicyVersion: version,
        approvedBy: person,
        approvedAt: at,
      },
      {
        kind: "putThreshold",
        row: {
          agentId: row.agentId,
          actionType: row.actionType,
          auto: row.threshold,
          recommendationId: id,
          approvedBy: person,
          approvedAt: at,
        },
      },
    ],
    audit: [
      entry(at, principal, "recommendation.approved", row, {
        requestedBy: { ...row.requestedBy, at: row.requestedAt },
        previousThreshold: previous?.auto ?? null,
        previousPolicyVersion: active.version,
      }),
      {
        at,
        actor: actorOf(principal),
        type: "policy.loaded",
        proposalId: null,
        data: {
          version,
          hash: active.hash,
          source: `recommendation:${id}`,
          previousVersion: active.version,
        },
      },
    ],
  });
  if (!result.ok) throw changedMeanwhile(id);
  deps.policies.activate({ ...active, version, createdAt: at, createdBy: person.name });
  calibrationCache(deps).invalidate();
  deps.events.publishDeskWide("policy.loaded", at, version);
  return recommendationView({
    ...row,
    status: "approved",
    approvedBy: person,
    approvedAt: at,
    policyVersion: version,
    version: row.version + 1,
  });
}

async function proposedRecommendation(deps: AppDeps, id: string): Promise<RecommendationRow> {
  const row = await deps.store.recommendation(id);
  if (row === null) {
    throw new AppError(
      "not_found",
      "recommendation_not_found",
      `No recommendation ${id}: list them with GET /v1/recommendations`,
    );
  }
  if (row.status !== "proposed") {
    throw new AppError(
      "conflict",
      "recommendation_not_proposed",
      `This recommendation is ${row.status}; only a proposed one can be applied`,
      { status: row.status },
    );
  }
  return row;
}

function entry(
  at: string,
  principal: Principal,
  type: string,
  row: RecommendationRow,
  extra: Record<string, unknown>,
): AuditDraft {
  return {
    at,
    actor: actorOf(principal),
    type,
    proposalId: null,
    data: {
      recommendationId: row.id,
      agent: row.agentId,
      actionType: row.actionType,
      threshold: row.threshold,
      targetErrorRate: row.targetErrorRate,
      errorUpperBound: row.detail.errorUpperBound,
      evidence: row.detail.evidence,
      calibration: row.calibrationId,
      ...extra,
    },
  };
}

const changedMeanwhile = (id: string) =>
  new AppError(
    "conflict",
    "recommendation_changed",
    `Recommendation ${id} or the policy changed at the same moment: read it again and retry`,
  );
