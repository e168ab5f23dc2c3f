import { z } from "zod";
import { AutonomyStage } from "../lifecycle/statuses.ts";

/**
 * Wire shapes of earned autonomy (SPEC §5): the stage in force per agent and action type, the evidence
 * behind a promotion, the circuit breakers that demote automatically, and the history of changes.
 */

/** A circuit breaker: the rate it watches over its window. */
export const BreakerName = z.enum(["override", "incident", "rollback", "executor_failure"]);
export type BreakerName = z.infer<typeof BreakerName>;

/** One promotion criterion and whether the evidence meets it. */
export const AutonomyCriterion = z.object({
  name: z.enum(["decisions", "overrideRate", "calibrationError"]),
  value: z.number().nullable().describe("the measured value; null when there is no evidence yet"),
  bound: z.number(),
  comparison: z.enum(["at_least", "at_most"]),
  met: z.boolean(),
});
export type AutonomyCriterion = z.infer<typeof AutonomyCriterion>;

/** What a promotion is judged on: the reviewed decisions of one agent and action type. */
export const AutonomyEvidence = z.object({
  decisions: z.number().int().min(0).describe("reviewed proposals (labelled decisions) counted"),
  overrideRate: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .describe("share of reviewed proposals not approved unchanged"),
  calibrationError: z
    .number()
    .min(0)
    .nullable()
    .describe("held-out expected calibration error of the map in force; null before one is fitted"),
  from: z.string().nullable().describe("the oldest decision counted"),
  to: z.string().nullable().describe("the newest decision counted"),
});
export type AutonomyEvidence = z.infer<typeof AutonomyEvidence>;

/** A circuit breaker's reading over its window. */
export const BreakerReading = z.object({
  name: BreakerName,
  rate: z.number().min(0).max(1).nullable().describe("events / opportunities; null when none"),
  bound: z.number().min(0).max(1),
  events: z.number().int().min(0),
  opportunities: z.number().int().min(0),
  minEvents: z.number().int().min(0).describe("opportunities needed before the breaker may trip"),
  tripped: z.boolean(),
});
export type BreakerReading = z.infer<typeof BreakerReading>;

const Person = z.object({ id: z.string(), name: z.string(), at: z.string() });

/** A promotion asked for by one owner, put in force by a different owner. */
export const AutonomyPromotion = z.object({
  id: z.string(),
  agent: z.string(),
  actionType: z.string(),
  from: AutonomyStage,
  to: AutonomyStage,
  status: z.enum(["requested", "approved", "superseded"]),
  comment: z.string().nullable(),
  evidence: AutonomyEvidence,
  criteria: z.array(AutonomyCriterion),
  requestedBy: Person,
  approvedBy: Person.nullable(),
  policyVersion: z.number().int().nullable().describe("the policy version it came into force with"),
  createdAt: z.string(),
});
export type AutonomyPromotion = z.infer<typeof AutonomyPromotion>;

/** One change of the stage in force: an approved promotion or a breaker's automatic demotion. */
export const AutonomyChange = z.object({
  id: z.string(),
  agent: z.string(),
  actionType: z.string(),
  kind: z.enum(["promotion", "demotion"]),
  from: AutonomyStage,
  to: AutonomyStage,
  reason: z.string(),
  breaker: BreakerReading.nullable().describe("the reading that tripped, for a demotion"),
  promotionId: z.string().nullable(),
  by: z.object({ id: z.string(), name: z.string() }).nullable().describe("null: Loopgate itself"),
  at: z.string(),
  policyVersion: z.number().int(),
});
export type AutonomyChange = z.infer<typeof AutonomyChange>;

/** The autonomy of one agent and action type: stage in force, evidence, breakers, what is pending. */
export const AutonomyState = z.object({
  agent: z.string(),
  actionType: z.string(),
  stage: AutonomyStage.describe("the stage routing uses now"),
  policyStage: AutonomyStage.describe("the stage the policy file sets for the action type"),
  since: z.string().nullable().describe("when the stage in force was set; null: from the policy file"),
  next: AutonomyStage.nullable().describe("the stage a promotion would move to; null at the top"),
  eligible: z.boolean().describe("every promotion criterion met"),
  criteria: z.array(AutonomyCriterion),
  evidence: AutonomyEvidence,
  breakers: z.array(BreakerReading),
  window: z.object({ from: z.string(), to: z.string() }).describe("the breakers' window"),
  pendingPromotion: AutonomyPromotion.nullable(),
  history: z.array(AutonomyChange).describe("the latest changes, newest first"),
});
export type AutonomyState = z.infer<typeof AutonomyState>;

/** `GET /v1/autonomy`. */
export const AutonomyList = z.object({ items: z.array(AutonomyState) });
export type AutonomyList = z.infer<typeof AutonomyList>;

/** `GET /v1/autonomy` query. */
export const AutonomyQuery = z.strictObject({
  agent: z.string().min(1).optional(),
  actionType: z.string().min(1).optional(),
});
export type AutonomyQuery = z.infer<typeof AutonomyQuery>;

/** `POST /v1/autonomy/promotions`: an owner asks to promote an agent on an action type. */
export const PromotionRequest = z.strictObject({
  agent: z.string().min(1),
  actionType: z.string().min(1),
  to: AutonomyStage.optional().describe("defaults to the next stage up"),
  comment: z.string().max(2000).optional(),
});
export type PromotionRequest = z.infer<typeof PromotionRequest>;

/** `GET /v1/autonomy/changes` query. */
export const AutonomyChangeQuery = z.strictObject({
  agent: z.string().min(1).optional(),
  actionType: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export type AutonomyChangeQuery = z.infer<typeof AutonomyChangeQuery>;

/** `GET /v1/autonomy/changes`. */
export const AutonomyChangeList = z.object({
  items: z.array(AutonomyChange),
  nextCursor: z.string().nullable(),
});
export type AutonomyChangeList = z.infer<typeof AutonomyChangeList>;

/** `POST /v1/proposals/:id/outcome`: what happened after the action ran. */
export const OutcomeInput = z.strictObject({
  kind: z.enum(["fine", "incident", "note"], {
    error: "must be fine (it went well), incident (it caused harm) or note (a remark)",
  }),
  severity: z.enum(["low", "medium", "high"]).optional().describe("for an incident"),
  comment: z.string().max(4000).optional(),
});
export type OutcomeInput = z.infer<typeof OutcomeInput>;

/** An outcome as recorded. */
export const Outcome = z.object({
  id: z.string(),
  proposalId: z.string(),
  kind: z.enum(["fine", "incident", "note"]),
  severity: z.enum(["low", "medium", "high"]).nullable(),
  comment: z.string().nullable(),
  by: z.object({ kind: z.enum(["agent", "user"]), id: z.string(), name: z.string() }),
  at: z.string(),
});
export type Outcome = z.infer<typeof Outcome>;

/** `GET /v1/proposals/:id/outcomes`. */
export const OutcomeList = z.object({ items: z.array(Outcome) });
export type OutcomeList = z.infer<typeof OutcomeList>;
