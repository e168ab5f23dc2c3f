import { z } from "zod";
import { AutonomyStage, ExecutionStatus, ProposalStatus, RouteVerdict } from "../lifecycle/statuses.ts";
import { ActionTypeName, JsonObject, LIMITS, Timestamp } from "./common.ts";
import { ExecutionItem, Grant } from "./execution.ts";
import { BlindReviewState } from "./vigilance.ts";

const text = z.string().max(LIMITS.text);
const label = z.string().max(LIMITS.label);

/** The action an agent wants to take: its type (declared in the policy) and its payload. */
export const Action = z.strictObject({
  type: ActionTypeName,
  payload: JsonObject.default({}),
});
export type Action = z.infer<typeof Action>;

/** The original request that led to the proposal, e.g. the customer's email. */
export const ProposalRequest = z.strictObject({
  text: text.optional(),
  channel: label.optional(),
  subject: label.optional(),
  from: label.optional(),
  receivedAt: Timestamp.optional(),
  metadata: JsonObject.optional(),
});
export type ProposalRequest = z.infer<typeof ProposalRequest>;

/** One piece of evidence the agent relied on. `score` is the retrieval score in [0, 1]. */
export const Evidence = z.strictObject({
  source: label,
  id: label.optional(),
  title: label.optional(),
  snippet: text.optional(),
  url: z.string().max(2000).optional(),
  score: z.number().min(0).max(1).optional(),
});
export type Evidence = z.infer<typeof Evidence>;

/** A tool call the agent already made while preparing the proposal. */
export const ToolCall = z.strictObject({
  name: label,
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  error: text.optional(),
  at: Timestamp.optional(),
});
export type ToolCall = z.infer<typeof ToolCall>;

/** Signals the agent supplies: its raw confidence and any named numbers or flags of its own. */
export const SuppliedSignals = z.strictObject({
  agentConfidence: z.number().min(0).max(1).optional(),
  agent: z
    .record(z.string().max(100), z.union([z.number(), z.boolean(), z.string().max(LIMITS.label)]))
    .optional(),
});
export type SuppliedSignals = z.infer<typeof SuppliedSignals>;

/** Another course of action the agent considered. */
export const Alternative = z.strictObject({
  summary: text,
  action: Action.optional(),
});
export type Alternative = z.infer<typeof Alternative>;

/**
 * The body of `POST /v1/proposals`. Only `action` is required; the agent's id comes from its API key.
 *
 * @example
 * ```ts
 * ProposalInput.parse({ action: { type: "support.reply", payload: { to: "a@b.c", body: "Hi" } } });
 * ```
 */
export const ProposalInput = z.strictObject({
  action: Action,
  request: ProposalRequest.optional(),
  summary: text.optional(),
  evidence: z.array(Evidence).max(LIMITS.items).default([]),
  toolCalls: z.array(ToolCall).max(LIMITS.items).default([]),
  signals: SuppliedSignals.default({}),
  context: JsonObject.default({}),
  alternatives: z.array(Alternative).max(LIMITS.items).default([]),
  rollbackPlan: text.optional(),
});
export type ProposalInput = z.infer<typeof ProposalInput>;

/** The body of `POST /v1/proposals/:id/info`: more evidence or a revised action, answering a request for information. */
export const InfoInput = z.strictObject({
  message: text.optional(),
  action: Action.optional(),
  evidence: z.array(Evidence).max(LIMITS.items).default([]),
  toolCalls: z.array(ToolCall).max(LIMITS.items).default([]),
  signals: SuppliedSignals.optional(),
  context: JsonObject.optional(),
});
export type InfoInput = z.infer<typeof InfoInput>;

/** One reason a proposal took its route: a matching rule, a default, a stage or a stop. */
export const RouteReason = z.object({
  rule: z.string().describe("the rule id, or `default`, `stage:<name>`, `sampling`, `stop:<id>`"),
  route: z.union([RouteVerdict, z.literal("held")]),
  message: z.string(),
  proposalId: z.string().optional().describe("the earlier proposal this one is linked to (bypass reasons)"),
});
export type RouteReason = z.infer<typeof RouteReason>;

/** The policy's verdict for a proposal. */
export const Route = z.object({
  verdict: z.union([RouteVerdict, z.literal("held")]),
  reasons: z.array(RouteReason),
  policyVersion: z.number().int(),
  sampled: z.boolean(),
  stage: AutonomyStage,
});
export type Route = z.infer<typeof Route>;

/** Loopgate's calibrated confidence next to the agent's raw number. */
export const Confidence = z.object({
  calibrated: z.number().nullable(),
  raw: z.number().nullable(),
  calibration: z.string().nullable(),
});
export type Confidence = z.infer<typeof Confidence>;

/** Every signal of a proposal: the built-in detectors plus what the agent supplied. */
export const Signals = z.object({
  pii: z.object({
    email: z.boolean(),
    phone: z.boolean(),
    cardNumber: z.boolean(),
    iban: z.boolean(),
    nationalId: z.boolean(),
    any: z.boolean(),
  }),
  topics: z.array(z.string()),
  grounding: z.number().nullable(),
  sentiment: z.number().nullable(),
  amount: z.number().nullable(),
  novelty: z.number().nullable(),
  history: z.object({ overrideRate: z.number().nullable() }),
  agentConfidence: z.number().nullable(),
  agent: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
  bypass: z
    .boolean()
    .optional()
    .describe("true when the proposal nearly repeats a refused one or splits a refused amount"),
});
export type Signals = z.infer<typeof Signals>;

/** The review summary embedded in a proposal response. */
export const ProposalReview = z.object({
  id: z.string(),
  queue: z.string(),
  status: z.string(),
  level: z.number().int(),
  dueAt: Timestamp,
  approvalsRequired: z.number().int(),
  approvalsGiven: z.number().int(),
});
export type ProposalReview = z.infer<typeof ProposalReview>;

/** A decision as shown on a proposal. */
export const DecisionView = z.object({
  id: z.string(),
  reviewId: z.string(),
  verdict: z.string(),
  by: z.object({ id: z.string(), name: z.string() }),
  at: Timestamp,
  category: z.string().nullable(),
  comment: z.string().nullable(),
  packetHash: z.string().nullable(),
  payload: JsonObject.nullable(),
});
export type DecisionView = z.infer<typeof DecisionView>;

/** The execution of a proposal's final action. */
export const ExecutionView = z.object({
  status: ExecutionStatus,
  attempts: z.number().int().default(0),
  result: z.unknown().optional(),
  grant: Grant.nullable()
    .optional()
    .describe("via: agent — the signed single-use grant to execute the approved payload under"),
  executions: z.array(ExecutionItem).optional().describe("the execution and any rollback, with attempts"),
});
export type ExecutionView = z.infer<typeof ExecutionView>;

/** A proposal as the API returns it (`POST /v1/proposals`, `GET /v1/proposals/:id`). */
export const Proposal = z.object({
  id: z.string(),
  status: ProposalStatus,
  agent: z.string(),
  revision: z.number().int(),
  action: z.object({ type: z.string(), payload: JsonObject }),
  finalPayload: JsonObject.nullable().describe(
    "the payload that was approved (possibly edited), once decided",
  ),
  request: ProposalRequest.nullable(),
  summary: z.string().nullable(),
  evidence: z.array(Evidence),
  toolCalls: z.array(ToolCall),
  context: JsonObject,
  alternatives: z.array(Alternative),
  rollbackPlan: z.string().nullable(),
  route: Route,
  signals: Signals,
  confidence: Confidence,
  review: ProposalReview.nullable().describe("the open review, or the last one"),
  reviews: z.array(ProposalReview),
  decisions: z.array(DecisionView),
  execution: ExecutionView,
  info: z
    .array(
      z.object({
        at: Timestamp,
        message: z.string().nullable(),
        evidenceBefore: z
          .number()
          .int()
          .optional()
          .describe("how many evidence items the proposal had before this answer; later ones came with it"),
      }),
    )
    .default([]),
  linkedTo: z
    .array(z.string())
    .optional()
    .describe("earlier refused proposals this one nearly repeats or splits (bypass resistance)"),
  packetHash: z.string().describe("hash of the packet a reviewer sees; send it back with a decision"),
  blindReview: BlindReviewState.optional().describe(
    "people on a blind review: what is withheld until they record a first judgement",
  ),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Proposal = z.infer<typeof Proposal>;

/** Body of `POST /v1/proposals/:id/result`: the agent reports how the approved action went. */
export const ResultInput = z.strictObject({
  status: z.enum(["succeeded", "failed"]),
  output: z.unknown().optional(),
  error: z.string().max(LIMITS.text).optional(),
  grant: Grant.optional().describe(
    "the grant the action was executed under (via: agent); checked and consumed",
  ),
  payload: JsonObject.optional().describe(
    "the payload actually executed; refused unless it is the approved one",
  ),
});
export type ResultInput = z.infer<typeof ResultInput>;
