import type { OnExpiry, RouteVerdict } from "../lifecycle/statuses.ts";
import { resolveBreakers, resolvePromotion } from "./autonomy-document.ts";
import type { ActionTypeSettings, CompiledPolicy, QueueSettings, ReviewSettings } from "./compiled-policy.ts";
import type { PolicyActionDocument, PolicyDocument } from "./document.ts";
import { parseDuration } from "./duration.ts";
import { resolveBusinessHours, resolveBypass, resolveNotify } from "./ladder-settings.ts";

/** The queue reviews go to when neither the rule, the action type nor `defaults.review` names one. */
export const DEFAULT_QUEUE = "default";
/** Review deadline when the policy sets none. */
export const DEFAULT_SLA_MS = 4 * 3_600_000;
/** What happens at the deadline when the policy says nothing: a person more senior looks at it. */
export const DEFAULT_ON_EXPIRY: OnExpiry = "escalate";

/** `defaults` of a policy, every value filled in. */
export interface PolicyDefaults {
  route: RouteVerdict;
  review: ReviewSettings;
}

/**
 * The policy's `defaults`, resolved: route `review`, queue `default`, SLA 4h, on expiry `escalate`,
 * one approval, priority 0.
 */
export function resolveDefaults(document: PolicyDocument): PolicyDefaults {
  const review = document.defaults?.review;
  return {
    route: document.defaults?.route ?? "review",
    review: {
      queue: review?.queue ?? DEFAULT_QUEUE,
      slaMs: review?.sla === undefined ? DEFAULT_SLA_MS : parseDuration(review.sla),
      onExpiry: review?.onExpiry ?? DEFAULT_ON_EXPIRY,
      escalateTo: review?.escalateTo ?? null,
      approvals: review?.approvals ?? 1,
      priority: review?.priority ?? 0,
    },
  };
}

/** A queue's settings: what `queues.<name>` declares, over `defaults.review`. */
export function resolveQueue(document: PolicyDocument, name: string): QueueSettings {
  const defaults = resolveDefaults(document).review;
  const declared = document.queues[name];
  const escalateTo = declared?.escalateTo ?? defaults.escalateTo;
  return {
    name,
    slaMs: declared?.sla === undefined ? defaults.slaMs : parseDuration(declared.sla),
    onExpiry: declared?.onExpiry ?? defaults.onExpiry,
    escalateTo: escalateTo === name ? null : escalateTo,
    remindBeforeMs: (declared?.remindBefore ?? []).map(parseDuration).sort((a, b) => b - a),
    capacity: declared?.capacity ?? null,
    businessHours: resolveBusinessHours(declared?.businessHours),
    notify: resolveNotify(declared?.notify),
  };
}

/** Every queue the policy names: declared ones, defaults, action types' queues, rules' queues, escalations. */
export function namedQueues(document: PolicyDocument): string[] {
  const names = new Set<string>([resolveDefaults(document).review.queue, ...Object.keys(document.queues)]);
  if (document.defaults?.review?.escalateTo !== undefined) names.add(document.defaults.review.escalateTo);
  for (const queue of Object.values(document.queues)) {
    if (queue.escalateTo !== undefined) names.add(queue.escalateTo);
  }
  for (const action of Object.values(document.actions)) {
    if (action.review?.queue !== undefined) names.add(action.review.queue);
    if (action.review?.escalateTo !== undefined) names.add(action.review.escalateTo);
  }
  for (const rule of document.rules) {
    if (rule.queue !== undefined) names.add(rule.queue);
  }
  return [...names];
}

/** An action type's settings with the defaults filled in (see `ActionTypeSettings`). */
export function resolveActionType(
  document: PolicyDocument,
  name: string,
  action: PolicyActionDocument,
): ActionTypeSettings {
  const defaults = resolveDefaults(document).review;
  const queue = resolveQueue(document, action.review?.queue ?? defaults.queue);
  const escalateTo = action.review?.escalateTo ?? queue.escalateTo;
  const properties = schemaProperties(action.payload);
  const execute = action.execute ?? { via: "agent" as const };
  return {
    name,
    description: action.description ?? null,
    reversible: action.reversible ?? false,
    payloadSchema: action.payload ?? null,
    execute: {
      via: execute.via,
      ...(execute.url === undefined ? {} : { url: execute.url }),
      ...(execute.secret === undefined ? {} : { secret: execute.secret }),
      ...(execute.idempotent === undefined ? {} : { idempotent: execute.idempotent }),
      ...executorTimeout(execute),
      ...(execute.retry === undefined ? {} : { retry: { attempts: execute.retry.attempts } }),
    },
    ...(action.rollback === undefined ? {} : { rollback: resolveExecutor(action.rollback) }),
    review: {
      queue: queue.name,
      slaMs: action.review?.sla === undefined ? queue.slaMs : parseDuration(action.review.sla),
      onExpiry: action.review?.onExpiry ?? queue.onExpiry,
      escalateTo: escalateTo === queue.name ? null : escalateTo,
      approvals: action.review?.approvals ?? defaults.approvals,
      priority: action.review?.priority ?? defaults.priority,
    },
    autonomy: action.autonomy ?? "threshold",
    promotion: resolvePromotion(action.promotion, document.defaults?.promotion),
    breakers: resolveBreakers(action.breakers, document.defaults?.breakers),
    sampling: action.sampling ?? 0,
    targetErrorRate: action.targetErrorRate ?? null,
    amountField: action.amountField ?? (properties.has("amount") ? "amount" : null),
    draftField: action.draftField ?? (properties.has("body") ? "body" : null),
    mcpTool: action.mcpTool ?? null,
    mcpServer: action.mcpServer ?? null,
    bypass: resolveBypass(action.bypass),
  };
}

/** The top-level property names a payload schema declares. */
export function schemaProperties(schema: Record<string, unknown> | undefined): Set<string> {
  const properties = schema?.properties;
  return new Set(typeof properties === "object" && properties !== null ? Object.keys(properties) : []);
}

/**
 * A queue's settings: the declared queue, or one named anywhere in the policy, or any other name with the
 * policy's defaults. Never fails: a review may outlive the policy version that named its queue.
 *
 * @example
 * ```ts
 * queueSettings(policy, "support"); // { name: "support", slaMs: 7_200_000, onExpiry: "escalate", … }
 * queueSettings(policy, "nowhere"); // defaults: 4h, escalate, no escalation target
 * ```
 */
export function queueSettings(policy: CompiledPolicy, queue: string): QueueSettings {
  return policy.queues.get(queue) ?? resolveQueue(policy.document, queue);
}

/**
 * The queue a review in `queue` escalates to, or null when it has nowhere higher to go.
 *
 * @example
 * ```ts
 * escalationTarget(policy, "support"); // "support-leads"
 * escalationTarget(policy, "support-leads"); // null
 * ```
 */
export function escalationTarget(policy: CompiledPolicy, queue: string): string | null {
  return queueSettings(policy, queue).escalateTo;
}

/** `timeoutMs`, or the older `timeout` duration, as milliseconds. */
function executorTimeout(execute: { timeout?: string; timeoutMs?: number }): { timeoutMs?: number } {
  if (execute.timeoutMs !== undefined) return { timeoutMs: execute.timeoutMs };
  return execute.timeout === undefined ? {} : { timeoutMs: parseDuration(execute.timeout) };
}

/** An executor block (`execute` or `rollback`) with only the fields it sets. */
function resolveExecutor(
  execute: NonNullable<PolicyActionDocument["execute"]>,
): ActionTypeSettings["execute"] {
  return {
    via: execute.via,
    ...(execute.url === undefined ? {} : { url: execute.url }),
    ...(execute.secret === undefined ? {} : { secret: execute.secret }),
    ...(execute.idempotent === undefined ? {} : { idempotent: execute.idempotent }),
    ...executorTimeout(execute),
    ...(execute.retry === undefined ? {} : { retry: { attempts: execute.retry.attempts } }),
  };
}
