import type { Actor, AuditDraft, AutonomyStage, BreakerReading } from "@loopgate/core";
import type { AutonomyChangeRow } from "../store/autonomy-rows.ts";
import type { PersonRef } from "../store/calibration-rows.ts";
import type { Write } from "../store/store.ts";
import { AppError } from "./app-error.ts";
import { calibrationCache } from "./calibrate.ts";
import type { AppDeps } from "./deps.ts";

/** One stage change to commit: a promotion an owner approved or a breaker's demotion. */
export interface StageChange {
  agentId: string;
  actionType: string;
  kind: "promotion" | "demotion";
  from: AutonomyStage;
  to: AutonomyStage;
  reason: string;
  breaker: BreakerReading | null;
  promotionId: string | null;
  by: PersonRef | null;
  actor: Actor;
  /** The change that set the stage row read before (null: none), so concurrent changes apply once. */
  expectChangeId: string | null;
  /** Writes that go with it (the promotion's approval, a superseded promotion), after the policy insert. */
  writes: (policyVersion: number) => Write[];
  /** The audit entry of the change itself (`autonomy.promoted` / `autonomy.demoted`). */
  audit: AuditDraft;
}

/**
 * Puts a new stage in force for an agent and action type as a new policy version (SPEC §5: routing
 * changes only with a version every proposal records): the active policy's text stored again, the
 * change row, the stage row and their audit entries in one commit. Returns null when another writer
 * changed the stage or loaded a policy meanwhile (nothing was written). New proposals route with the
 * stage at once in this process and within seconds on every replica.
 */
export async function commitStageChange(
  deps: AppDeps,
  change: StageChange,
): Promise<AutonomyChangeRow | null> {
  const active = await deps.store.activePolicy();
  if (active === null) {
    throw new AppError("conflict", "no_policy", "No policy is loaded yet: PUT /v1/policy as an owner first");
  }
  const at = change.audit.at;
  const row: Omit<AutonomyChangeRow, "policyVersion"> = {
    id: deps.newId(),
    agentId: change.agentId,
    actionType: change.actionType,
    kind: change.kind,
    from: change.from,
    to: change.to,
    reason: change.reason,
    breaker: change.breaker,
    promotionId: change.promotionId,
    by: change.by,
    at,
  };
  const createdBy = change.by?.name ?? "loopgate";
  const version = active.version + 1;
  const result = await deps.store.commit({
    writes: [
      {
        kind: "insertPolicy",
        row: { text: active.text, hash: active.hash, createdAt: at, createdBy },
        expectVersion: version,
      },
      ...change.writes(version),
      { kind: "changeStage", row, expectChangeId: change.expectChangeId },
    ],
    audit: [
      {
        ...change.audit,
        data: { ...change.audit.data, changeId: row.id, previousPolicyVersion: active.version },
      },
      {
        at,
        actor: change.actor,
        type: "policy.loaded",
        proposalId: null,
        data: {
          version,
          hash: active.hash,
          source: `autonomy:${row.id}`,
          previousVersion: active.version,
        },
      },
    ],
  });
  if (!result.ok) return null;
  deps.policies.activate({ ...active, version, createdAt: at, createdBy });
  calibrationCache(deps).invalidate();
  deps.events.publishDeskWide("policy.loaded", at, version);
  deps.events.publish({
    type: "autonomy.changed",
    proposalId: null,
    reviewId: null,
    agentId: change.agentId,
    queue: null,
    status: change.to,
    at,
  });
  return { ...row, policyVersion: version };
}
