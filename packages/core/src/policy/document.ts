import { z } from "zod";
import { AutonomyStage, OnExpiry, RouteVerdict } from "../lifecycle/statuses.ts";
import { ActionTypeName, SnakeCase } from "../wire/common.ts";
import { ProposalInput } from "../wire/proposal.ts";
import { PolicyBreakersDocument, PolicyPromotionDocument } from "./autonomy-document.ts";
import { PolicyCanariesDocument } from "./canary-document.ts";
import {
  PolicyBusinessHoursDocument,
  PolicyBypassDocument,
  PolicyNotifyChannelDocument,
} from "./ladder-document.ts";
import { PolicyOverloadDocument } from "./overload.ts";
import { PolicyDuration } from "./policy-duration.ts";

export { PolicyDuration };

/**
 * The shape of a policy file (`loopgate.yaml`), as written: durations stay text, optional settings stay
 * absent. `loadPolicy` validates a file against it and resolves the defaults into `CompiledPolicy`.
 * Every object is strict: a field Loopgate does not know is a problem, not something silently ignored.
 */

/** A queue's name, e.g. `support-leads`. Queues named anywhere exist, with the defaults unless declared. */
export const QueueName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, {
    message: "use lower-case letters, digits, '-', '_' or '.', e.g. support-leads",
  });

/** Rule ids that Loopgate itself uses in route reasons. */
export const RESERVED_RULE_IDS: readonly string[] = Object.freeze(["default", "sampling", "policy"]);

const RuleId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
    message: "use letters, digits, '-', '_' or '.', e.g. large-refund",
  })
  .refine((id) => !RESERVED_RULE_IDS.includes(id), {
    message: `is reserved (${RESERVED_RULE_IDS.join(", ")}): choose another id`,
  });

const Priority = z.number().int({ error: "must be a whole number (higher is more urgent)" });
const Approvals = z
  .number()
  .int()
  .min(1, { error: "must be at least 1" })
  .max(10, { error: "must be at most 10" });

/** Review settings as written under `defaults.review` or an action type's `review`. */
export const PolicyReviewDocument = z.strictObject({
  queue: QueueName.optional(),
  sla: PolicyDuration.optional(),
  onExpiry: OnExpiry.optional(),
  escalateTo: QueueName.optional(),
  approvals: Approvals.optional(),
  priority: Priority.optional(),
});
export type PolicyReviewDocument = z.infer<typeof PolicyReviewDocument>;

/** How an approved action is carried out. */
export const PolicyExecuteDocument = z
  .strictObject({
    via: z.enum(["webhook", "agent", "none"]),
    url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    secret: z.string().min(1).optional(),
    idempotent: z.boolean().optional(),
    /** Deprecated spelling of `timeoutMs` as a duration (e.g. `10s`); `timeoutMs` wins when both are given. */
    timeout: PolicyDuration.optional(),
    timeoutMs: z
      .number()
      .int({ error: "must be a whole number of milliseconds, e.g. 10000" })
      .min(100, { error: "must be at least 100 (ms)" })
      .max(600_000, { error: "must be at most 600000 (10 minutes)" })
      .optional(),
    retry: z.strictObject({ attempts: z.number().int().min(0).max(100) }).optional(),
  })
  .superRefine((execute, ctx) => {
    if (execute.via === "webhook" && execute.url === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["url"],
        message: "is required when via is webhook: add the URL",
      });
    }
    if (execute.via !== "webhook") {
      for (const field of ["url", "secret", "timeout", "timeoutMs", "retry"] as const) {
        if (execute[field] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [field],
            message: `only applies when via is webhook: remove it or use via: webhook`,
          });
        }
      }
    }
  });
export type PolicyExecuteDocument = z.infer<typeof PolicyExecuteDocument>;

/** One action type under `actions`. */
export const PolicyActionDocument = z.strictObject({
  description: z.string().optional(),
  reversible: z
    .union([z.boolean(), z.literal("compensate")], {
      error: "must be false, true or compensate",
    })
    .optional(),
  payload: z.record(z.string(), z.unknown(), { error: "must be a JSON Schema object" }).optional(),
  execute: PolicyExecuteDocument.optional(),
  /** How a reversible action is undone (`POST /v1/proposals/:id/rollback`): a webhook, like `execute`. */
  rollback: PolicyExecuteDocument.optional(),
  review: PolicyReviewDocument.optional(),
  autonomy: AutonomyStage.optional(),
  /** What a promotion to a higher stage needs (over `defaults.promotion`). */
  promotion: PolicyPromotionDocument.optional(),
  /** Rates that demote automatically when crossed (over `defaults.breakers`). */
  breakers: PolicyBreakersDocument.optional(),
  sampling: z
    .number({ error: "must be a number between 0 and 1" })
    .min(0, { error: "must be between 0 and 1 (a share, e.g. 0.05)" })
    .max(1, { error: "must be between 0 and 1 (a share, e.g. 0.05)" })
    .optional(),
  targetErrorRate: z
    .number()
    .gt(0, { error: "must be above 0 and below 1, e.g. 0.02" })
    .lt(1, { error: "must be above 0 and below 1, e.g. 0.02" })
    .optional(),
  amountField: z.string().min(1).optional(),
  draftField: z.string().min(1).optional(),
  mcpTool: z.string().min(1).optional(),
  mcpServer: z.string().min(1).optional(),
  bypass: PolicyBypassDocument.optional(),
});
export type PolicyActionDocument = z.infer<typeof PolicyActionDocument>;

/** One queue under `queues`. */
export const PolicyQueueDocument = z.strictObject({
  sla: PolicyDuration.optional(),
  remindBefore: z.array(PolicyDuration).optional(),
  onExpiry: OnExpiry.optional(),
  escalateTo: QueueName.optional(),
  capacity: z.number().int().min(1, { error: "must be at least 1 (omit it for no limit)" }).optional(),
  businessHours: PolicyBusinessHoursDocument.optional(),
  notify: z.array(PolicyNotifyChannelDocument).optional(),
  /** Withhold the agent's recommendation and confidence from a reviewer until their first judgement. */
  blindReview: z.boolean().optional(),
});
export type PolicyQueueDocument = z.infer<typeof PolicyQueueDocument>;

/** One rule under `rules`. `when: true` (a YAML boolean) is read as the CEL expression `true`. */
export const PolicyRuleDocument = z.strictObject({
  id: RuleId,
  when: z.union([z.string().min(1), z.boolean().transform(String)], {
    error: "must be a CEL expression, e.g. action.payload.amount > 100",
  }),
  route: RouteVerdict,
  queue: QueueName.optional(),
  reason: z.string().min(1).optional(),
  priority: Priority.optional(),
});
export type PolicyRuleDocument = z.infer<typeof PolicyRuleDocument>;

const nullableNumber = z.number().nullable().optional();

/** Signals an example sets by hand, laid over the computed ones (each field optional, also inside). */
export const PolicyExampleSignals = z.strictObject({
  pii: z
    .strictObject({
      email: z.boolean().optional(),
      phone: z.boolean().optional(),
      cardNumber: z.boolean().optional(),
      iban: z.boolean().optional(),
      nationalId: z.boolean().optional(),
      any: z.boolean().optional(),
    })
    .optional(),
  topics: z.array(z.string()).optional(),
  grounding: nullableNumber,
  sentiment: nullableNumber,
  amount: nullableNumber,
  novelty: nullableNumber,
  history: z.strictObject({ overrideRate: nullableNumber }).optional(),
  agentConfidence: nullableNumber,
  agent: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).optional(),
  bypass: z.boolean().optional(),
});
export type PolicyExampleSignals = z.infer<typeof PolicyExampleSignals>;

/** One example proposal under `examples`, with the route the policy must give it. */
export const PolicyExampleDocument = z.strictObject({
  name: z.string().min(1),
  proposal: ProposalInput,
  agent: z.string().min(1).optional(),
  signals: PolicyExampleSignals.optional(),
  confidence: z.number().min(0).max(1).optional(),
  thresholds: z.strictObject({ auto: z.number().min(0) }).optional(),
  expect: z.strictObject({
    route: RouteVerdict,
    rules: z.array(z.string()).optional(),
  }),
});
export type PolicyExampleDocument = z.infer<typeof PolicyExampleDocument>;

/**
 * A whole policy file. Schema and type share the name, as every wire shape does.
 *
 * @example
 * ```ts
 * PolicyDocument.parse({ version: 1, rules: [{ id: "all", when: "true", route: "review" }] });
 * ```
 */
export const PolicyDocument = z.strictObject({
  version: z.literal(1, { error: "must be 1 (the policy format version)" }),
  defaults: z
    .strictObject({
      route: RouteVerdict.optional(),
      review: PolicyReviewDocument.optional(),
      promotion: PolicyPromotionDocument.optional(),
      breakers: PolicyBreakersDocument.optional(),
    })
    .optional(),
  actions: z.record(ActionTypeName, PolicyActionDocument).default({}),
  queues: z.record(QueueName, PolicyQueueDocument).default({}),
  /** Per queue with a capacity: what gives when it is past it. */
  overload: z.record(QueueName, PolicyOverloadDocument).default({}),
  rules: z.array(PolicyRuleDocument).default([]),
  categories: z.array(SnakeCase).default([]),
  signals: z
    .strictObject({
      topics: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).optional(),
    })
    .optional(),
  examples: z.array(PolicyExampleDocument).default([]),
  /** Known-bad proposals seeded into review queues to measure reviewers' catch rates. */
  canaries: PolicyCanariesDocument.optional(),
});
export type PolicyDocument = z.infer<typeof PolicyDocument>;
