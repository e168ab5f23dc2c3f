import {
  type AuditEntry,
  maskPii,
  type NotificationEvent,
  type NotificationEventType,
  openTimeBefore,
  queueSettings,
} from "@loopgate/core";
import type { AppDeps } from "../app/deps.ts";
import type { NotificationRow, NotificationTarget, ReviewTimerRow } from "../store/notification-rows.ts";
import type { ProposalRow, ReviewRow, Write } from "../store/store.ts";
import { interests, isQuiet, quietThrough } from "./feed-interests.ts";
import { reviewUrl } from "./notification-config.ts";

/** The feed's name in `feed_cursors`. */
export const NOTIFICATION_FEED = "notifications";
/** Audit entries read per step. */
const BATCH = 200;
/** Sequence numbers looked through per step, most of them entries the feed has no use for. */
const WINDOW = 5_000;
/**
 * Turns review events from the audit log into scheduled reminders and outbox deliveries. The audit log
 * is written in the same transaction as every state change, so reading it in `seq` order misses
 * nothing and adds nothing to the decision path; the feed's position moves in the same commit as the
 * rows it produces, with a check on the old position, so of several replicas exactly one handles each
 * entry, and after a crash the next step starts where the last commit left off.
 *
 * Returns how far it moved, in entries of the log (0 when it was behind another replica or had nothing
 * to do), and where it stands after the step.
 */
export async function advanceNotificationFeed(deps: AppDeps): Promise<FeedStep> {
  const from = (await deps.store.feedPosition(NOTIFICATION_FEED)) ?? 0;
  const skipTo = await quietThrough(deps);
  if (skipTo > from) return moveFeed(deps, from, skipTo, []);
  const { entries, scannedTo } = await deps.store.followAudit(from + 1, interests(deps), BATCH, WINDOW);
  if (scannedTo <= from) return { moved: 0, position: from };
  const writes: Write[] = [];
  for (const entry of entries) writes.push(...(await writesFor(deps, entry)));
  return moveFeed(deps, from, scannedTo, writes);
}

/**
 * Moves the notification feed up to the log's head as it stands when called, a step at a time, and
 * returns how many entries it moved past. Under steady traffic every step finds entries that arrived
 * during the last, and chasing them would keep the caller (the ladder timer's tick) from ever reaching
 * its deliveries and the next tick's reminders, at the cost of a read of the log's head and a commit
 * per batch of proposals; what arrives meanwhile is the next call's.
 *
 * @example
 * ```ts
 * const moved = await catchUpNotificationFeed(deps, () => stopping);
 * ```
 */
export async function catchUpNotificationFeed(deps: AppDeps, stopped: () => boolean): Promise<number> {
  const until = (await deps.store.auditHead())?.seq ?? 0;
  let moved = 0;
  for (;;) {
    const step = await advanceNotificationFeed(deps);
    moved += step.moved;
    if (step.moved === 0 || step.position >= until || stopped()) return moved;
  }
}

/** One step of the notification feed. */
export interface FeedStep {
  /** Entries of the log the step moved past: 0 when another replica moved first, or nothing was new. */
  moved: number;
  /** The last entry the feed has handled after the step (as far as this replica knows). */
  position: number;
}

/** Commits a step's writes with the feed's move from `from` to `to`, checked against `from`. */
async function moveFeed(deps: AppDeps, from: number, to: number, writes: Write[]): Promise<FeedStep> {
  writes.push({ kind: "advanceFeed", name: NOTIFICATION_FEED, fromSeq: from, toSeq: to });
  const result = await deps.store.commit({ writes, audit: [] });
  return result.ok ? { moved: to - from, position: to } : { moved: 0, position: from };
}

/**
 * What one audit entry schedules and sends; nothing for entries that are not review or proposal events.
 * The types handled here are the feed's `interests` (feed-interests.ts): keep the two in step.
 */
async function writesFor(deps: AppDeps, entry: AuditEntry): Promise<Write[]> {
  const data = entry.data as Record<string, unknown>;
  if (entry.type === "proposal.routed") return proposalEventWrites(deps, entry, data);
  if (entry.type === "execution.dead_lettered") return deadLetterWrites(deps, entry, data);
  if (entry.type === "autonomy.demoted") return demotionWrites(deps, entry, data);
  const reviewId = typeof data.reviewId === "string" ? data.reviewId : null;
  if (reviewId === null) return [];
  let type: NotificationEventType;
  switch (entry.type) {
    case "review.opened":
      type = Number(data.level ?? 0) > 0 ? "review.escalated" : "review.created";
      break;
    case "review.reminded":
      type = "review.reminder";
      break;
    case "decision.recorded":
    // A reconciliation review's verb (mark_executed, mark_failed, retry) is its decision.
    case "execution.reconciled":
      type = "review.decided";
      break;
    case "review.expired":
      type = "review.expired";
      break;
    case "review.overdue":
      type = "review.overdue";
      break;
    default:
      return [];
  }
  // A review is opened with its policy's version, which never changes: when that policy notifies no
  // one and reminds no one, as most do, the entry needs no reads (it is one of every proposal's three).
  if (entry.type === "review.opened" && typeof data.policyVersion === "number") {
    if (isQuiet(await deps.policies.version(data.policyVersion))) return [];
  }
  const review = await deps.store.review(reviewId);
  if (review === null) return [];
  const policy = await deps.policies.version(review.policyVersion);
  const queue = queueSettings(policy, review.queue);
  const remind = entry.type === "review.opened" && queue.remindBeforeMs.length > 0;
  if (!remind && !queue.notify.some((channel) => channel.events.includes(type))) return [];
  const proposal = await deps.store.proposal(review.proposalId);
  // A seeded canary (reviewer vigilance) notifies no one and reminds no one.
  if (proposal === null || proposal.doc.canary !== undefined) return [];
  const writes: Write[] = [];
  if (entry.type === "review.opened") writes.push(...reminders(deps, review, queue, entry.at));

  const event: Omit<NotificationEvent, "id"> = {
    type,
    at: entry.at,
    proposal: proposalFacts(deps, proposal, null),
    review: {
      id: review.id,
      queue: review.queue,
      level: review.level,
      status: entry.type === "review.opened" ? (review.level > 0 ? "escalated" : "pending") : review.status,
      dueAt: review.dueAt,
      url: reviewUrl(deps.config.publicUrl ?? "http://127.0.0.1:4747", review.id),
    },
    decision:
      entry.type === "decision.recorded" || entry.type === "execution.reconciled"
        ? {
            verdict: String(data.verdict),
            by: entry.actor.name,
            category: typeof data.category === "string" ? data.category : null,
          }
        : null,
    reminder:
      entry.type === "review.reminded"
        ? { beforeMs: Number(data.beforeMs), dueAt: String(data.dueAt) }
        : null,
    expiry:
      entry.type === "review.expired" || entry.type === "review.overdue"
        ? { rule: String(data.onExpiry), applied: String(data.applied) }
        : null,
    execution: null,
  };
  writes.push(...deliveries(deps, queue.notify, event, review.id));
  return writes;
}

/**
 * A proposal that never reaches a person — blocked by the policy, or held by a stop — is announced to the
 * channels of its action type's review queue (`proposal.blocked`, `proposal.held`).
 */
async function proposalEventWrites(
  deps: AppDeps,
  entry: AuditEntry,
  data: Record<string, unknown>,
): Promise<Write[]> {
  const type: NotificationEventType | null =
    data.status === "blocked" ? "proposal.blocked" : data.status === "held" ? "proposal.held" : null;
  if (type === null || entry.proposalId === null) return [];
  const proposal = await deps.store.proposal(entry.proposalId);
  if (proposal === null) return [];
  const policy = await deps.policies.version(proposal.policyVersion);
  const settings = policy.actionTypes.get(proposal.actionType);
  if (settings === undefined) return [];
  const route = data.route as { reasons?: { route?: string; message?: string }[] } | undefined;
  const wanted = type === "proposal.blocked" ? "block" : "held";
  const reason = route?.reasons?.find((r) => r.route === wanted)?.message ?? null;
  const event: Omit<NotificationEvent, "id"> = {
    type,
    at: entry.at,
    proposal: { ...proposalFacts(deps, proposal, reason), status: String(data.status) } as NonNullable<
      NotificationEvent["proposal"]
    >,
    review: null,
    decision: null,
    reminder: null,
    expiry: null,
    execution: null,
  };
  return deliveries(deps, queueSettings(policy, settings.review.queue).notify, event, null);
}

/**
 * An execution given up on after its last attempt (`execution.dead_lettered`) is announced to the
 * channels of its action type's review queue, with the reconciliation review a person settles it on.
 * (An auto-approved action notifies no one on its way; this is how its failure reaches a person.)
 */
async function deadLetterWrites(
  deps: AppDeps,
  entry: AuditEntry,
  data: Record<string, unknown>,
): Promise<Write[]> {
  if (entry.proposalId === null) return [];
  const proposal = await deps.store.proposal(entry.proposalId);
  if (proposal === null) return [];
  const execution = (await deps.store.executionsOfProposal(proposal.id)).find(
    (e) => e.id === data.executionId,
  );
  if (execution === undefined) return [];
  const review =
    execution.reconciliationReviewId === null
      ? null
      : await deps.store.review(execution.reconciliationReviewId);
  // The policy that chose the reconciliation review's queue, else the proposal's.
  const policy = await deps.policies.version(review?.policyVersion ?? proposal.policyVersion);
  const queue = policy.actionTypes.get(proposal.actionType)?.review.queue ?? review?.queue;
  if (queue === undefined) return [];
  const channels = queueSettings(policy, queue).notify;
  if (!channels.some((channel) => channel.events.includes("execution.dead_lettered"))) return [];
  const event: Omit<NotificationEvent, "id"> = {
    type: "execution.dead_lettered",
    at: entry.at,
    proposal: proposalFacts(deps, proposal, null),
    review:
      review === null
        ? null
        : {
            id: review.id,
            queue: review.queue,
            level: review.level,
            status: review.status,
            dueAt: review.dueAt,
            url: reviewUrl(deps.config.publicUrl ?? "http://127.0.0.1:4747", review.id),
          },
    decision: null,
    reminder: null,
    expiry: null,
    execution: {
      id: execution.id,
      kind: execution.kind,
      attempts: typeof data.attempt === "number" ? data.attempt : execution.attempts,
      error: typeof data.error === "string" ? data.error : null,
      statusCode: typeof data.statusCode === "number" ? data.statusCode : null,
      reconciliationReviewId: execution.reconciliationReviewId,
    },
  };
  return deliveries(deps, channels, event, review?.id ?? null);
}

/**
 * The proposal as an event shows it, with the link to its audit trail in the reviewer app. Events leave
 * the system (webhooks, email, Slack) for people and services whose PII permission nobody checks, so
 * the agent's summary goes out with personal data masked (`[email]`, `[card ••••1111]`), as the API
 * shows it to reviewers without that permission. Every event's proposal is built here, so this is the
 * one place notifications mask.
 */
function proposalFacts(
  deps: AppDeps,
  proposal: ProposalRow,
  reason: string | null,
): NotificationEvent["proposal"] {
  const base = (deps.config.publicUrl ?? "http://127.0.0.1:4747").replace(/\/+$/, "");
  return {
    id: proposal.id,
    agent: proposal.agentId,
    actionType: proposal.actionType,
    summary: maskPii(proposal.doc.summary) as string | null,
    status: proposal.status,
    reason,
    url: `${base}/audit?proposal=${encodeURIComponent(proposal.id)}`,
  };
}

/**
 * A circuit breaker's demotion (`autonomy.demoted`) is announced to the channels of the action type's
 * review queue under the active policy — the people who will now see that agent's work again.
 */
async function demotionWrites(
  deps: AppDeps,
  entry: AuditEntry,
  data: Record<string, unknown>,
): Promise<Write[]> {
  const policy = deps.policies.activeOrNull();
  const actionType = String(data.actionType);
  const settings = policy?.actionTypes.get(actionType);
  if (policy === null || settings === undefined) return [];
  const channels = queueSettings(policy, settings.review.queue).notify;
  if (!channels.some((channel) => channel.events.includes("autonomy.demoted"))) return [];
  const base = (deps.config.publicUrl ?? "http://127.0.0.1:4747").replace(/\/+$/, "");
  const agent = String(data.agent);
  const breaker = data.breaker as { name?: unknown } | null;
  const event: Omit<NotificationEvent, "id"> = {
    type: "autonomy.demoted",
    at: entry.at,
    proposal: null,
    review: null,
    decision: null,
    reminder: null,
    expiry: null,
    execution: null,
    autonomy: {
      agent,
      actionType,
      from: String(data.from),
      to: String(data.to),
      reason: String(data.reason),
      breaker: String(breaker?.name ?? "unknown"),
      url: `${base}/dashboard?agent=${encodeURIComponent(agent)}&actionType=${encodeURIComponent(actionType)}#autonomy`,
    },
  };
  return deliveries(deps, channels, event, null);
}

/** One outbox row for each channel that takes the event. */
function deliveries(
  deps: AppDeps,
  channels: ReturnType<typeof queueSettings>["notify"],
  event: Omit<NotificationEvent, "id">,
  reviewId: string | null,
): Write[] {
  const writes: Write[] = [];
  const type = event.type;
  const proposal = event.proposal;
  for (const channel of channels) {
    if (!channel.events.includes(type)) continue;
    const target: NotificationTarget =
      channel.kind === "webhook"
        ? { kind: "webhook", url: channel.url, secret: channel.secret }
        : channel.kind === "email"
          ? { kind: "email", to: [...channel.to] }
          : { kind: "slack", url: channel.url };
    const id = deps.newId();
    const row: NotificationRow = {
      id,
      eventType: type,
      channel: target.kind,
      proposalId: proposal?.id ?? null,
      reviewId,
      status: "pending",
      attempts: 0,
      nextAttemptAt: event.at,
      lastError: null,
      version: 1,
      createdAt: event.at,
      updatedAt: event.at,
      sentAt: null,
      doc: { event: { id, ...event }, target },
    };
    writes.push({ kind: "insertNotification", row });
  }
  return writes;
}

/**
 * The reminders of a review that just opened: one per `remindBefore` of its queue, counted in the
 * queue's business hours, leaving out those that would fire before the review opened.
 */
function reminders(
  deps: AppDeps,
  review: ReviewRow,
  queue: ReturnType<typeof queueSettings>,
  openedAt: string,
): Write[] {
  const due = new Date(review.dueAt);
  const writes: Write[] = [];
  for (const beforeMs of queue.remindBeforeMs) {
    const fireAt = openTimeBefore(due, beforeMs, queue.businessHours);
    if (fireAt.getTime() <= Date.parse(openedAt)) continue;
    const row: ReviewTimerRow = {
      id: deps.newId(),
      reviewId: review.id,
      proposalId: review.proposalId,
      kind: "reminder",
      fireAt: fireAt.toISOString(),
      status: "pending",
      beforeMs,
      version: 1,
      createdAt: openedAt,
      firedAt: null,
    };
    writes.push({ kind: "insertReviewTimer", row });
  }
  return writes;
}
