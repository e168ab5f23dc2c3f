import type { AutonomyStage, OnExpiry, RouteVerdict } from "../lifecycle/statuses.ts";
import type { NotificationEventType } from "../wire/notification.ts";
import type { ProposalInput } from "../wire/proposal.ts";
import type { BreakerSettings, PromotionSettings } from "./autonomy-document.ts";
import type { BusinessHours } from "./business-hours.ts";
import type { CelCondition } from "./cel-condition.ts";
import type { PolicyDocument, PolicyExampleSignals } from "./document.ts";
import type { CompiledOverload } from "./overload.ts";

/** How reviews of an action type are run, with the queue's and the policy's defaults filled in. */
export interface ReviewSettings {
  queue: string;
  slaMs: number;
  onExpiry: OnExpiry;
  escalateTo: string | null;
  /** Distinct people who must approve, none of them the proposer. */
  approvals: number;
  /** Higher is more urgent. */
  priority: number;
}

/** Everything Loopgate knows about one declared action type, defaults resolved. */
export interface ActionTypeSettings {
  name: string;
  description: string | null;
  reversible: boolean | "compensate";
  payloadSchema: object | null;
  execute: {
    via: "webhook" | "agent" | "none";
    url?: string;
    /** As written, e.g. `env:SUPPORT_HOOK_SECRET`; the server resolves it. */
    secret?: string;
    idempotent?: boolean;
    timeoutMs?: number;
    retry?: { attempts: number };
  };
  /** The executor that undoes the action (`reversible: true | compensate`), when the policy names one. */
  rollback?: ActionTypeSettings["execute"];
  review: ReviewSettings;
  /** The stage the policy file sets; an approved promotion or a breaker's demotion may be in force instead. */
  autonomy: AutonomyStage;
  /** What a promotion needs. */
  promotion: PromotionSettings;
  /** The circuit breakers; null when turned off. */
  breakers: BreakerSettings | null;
  /** Share (0..1) of auto-routed proposals that a person also reviews, afterwards. */
  sampling: number;
  targetErrorRate: number | null;
  /** Payload field holding the amount; defaults to `amount` when the payload schema has it. */
  amountField: string | null;
  /** Payload field holding the drafted text that grounding checks; defaults to `body` when the schema has it. */
  draftField: string | null;
  mcpTool: string | null;
  mcpServer: string | null;
  /** Bypass resistance (near-repeats of refused proposals, split amounts); null when turned off. */
  bypass: BypassSettings | null;
}

/** How near-repeats and split amounts are recognised for an action type (`actions.<type>.bypass`). */
export interface BypassSettings {
  /** How far back refused proposals count, in ms. @defaultValue 24h */
  windowMs: number;
  /** Least token similarity of string fields for a near-repeat. @defaultValue 0.9 */
  similarity: number;
  /** Largest relative difference of number fields for a near-repeat. @defaultValue 0.05 */
  tolerance: number;
  /** Where the entity an amount belongs to is read: `context.entity` or a payload path. @defaultValue "context.entity" */
  entity: string;
}

/** One notification channel of a queue (`queues.<name>.notify`). */
export type NotifyChannel =
  | { kind: "webhook"; url: string; secret: string; events: readonly NotificationEventType[] }
  | { kind: "email"; to: readonly string[]; events: readonly NotificationEventType[] }
  | { kind: "slack"; url: string; events: readonly NotificationEventType[] };

/** One queue, declared or named somewhere in the policy, defaults resolved. */
export interface QueueSettings {
  name: string;
  slaMs: number;
  onExpiry: OnExpiry;
  escalateTo: string | null;
  /** Reminders to send this long before a review is due, longest first. */
  remindBeforeMs: number[];
  /** Open reviews the queue holds before policy tightens routing; null for no limit. */
  capacity: number | null;
  /** When the due-time clock runs; null for around the clock. */
  businessHours: BusinessHours | null;
  /** Where the queue's review events and reminders go. */
  notify: readonly NotifyChannel[];
}

/** A rule with its `when` compiled. Rules keep the file's order. */
export interface CompiledRule {
  id: string;
  /** The CEL source, as written. */
  when: string;
  route: RouteVerdict;
  queue: string | null;
  reason: string | null;
  priority: number | null;
  condition: CelCondition;
}

/** An example proposal written beside the rules, with the route it must get (`loopgate policy test`). */
export interface PolicyExample {
  name: string;
  /** The proposal as an agent would send it, defaults applied. */
  proposal: ProposalInput;
  /** The proposing agent's id (and name); `example-agent` when absent. */
  agent?: string;
  /** Signals set by hand, laid over the ones computed from the proposal (each field optional, also inside). */
  signals?: PolicyExampleSignals;
  /** Calibrated confidence to route with; the proposal's agentConfidence when absent. */
  confidence?: number;
  /** `thresholds.auto` to route with; never (above 1) when absent. */
  thresholds?: { auto: number };
  expect: { route: RouteVerdict; rules?: string[] };
}

/** A validated policy with its CEL compiled, bound to the store's version number. */
export interface CompiledPolicy {
  /** The store's counter for this policy; every route records it as `policyVersion`. */
  version: number;
  document: PolicyDocument;
  actionTypes: ReadonlyMap<string, ActionTypeSettings>;
  /** Declared queues and every queue named by an action type, rule or `escalateTo`. */
  queues: ReadonlyMap<string, QueueSettings>;
  rules: readonly CompiledRule[];
  /** Per queue with a capacity: what gives when it is past it (the `overload` section). */
  overload: ReadonlyMap<string, CompiledOverload>;
  examples: readonly PolicyExample[];
  /** Preferred reason categories for decisions. */
  categories: readonly string[];
  /** Sensitive-topic term lists that replace the built-in ones, by topic. */
  topics?: Record<string, string[]>;
}
