import type { CompiledPolicy } from "@loopgate/core";
import type { AppDeps } from "../app/deps.ts";
import type { AuditInterest } from "../store/audit-follow.ts";

/**
 * What the notification feed reads of the audit log: the entries it may act on, and how far it may
 * pass over the log unread. Everything else an entry leads to is in notification-feed.ts.
 */

/**
 * What the feed may act on: the entry types `writesFor` in notification-feed.ts handles (keep the two
 * in step). The rest (a proposal's submission, an execution granted to its agent, a route that reached
 * a person or ran unattended, …) is most of the log, and the store skips it.
 */
export function interests(deps: AppDeps): AuditInterest[] {
  const active = deps.policies.activeOrNull();
  // Reviews opened under a policy that notifies and reminds no one (most) need nothing either.
  const quietVersions = active !== null && isQuiet(active) ? [active.version] : [];
  return [
    { type: "proposal.routed", where: { field: "status", in: ["blocked", "held"] } },
    { type: "review.opened", where: { field: "policyVersion", notIn: quietVersions } },
    { type: "execution.dead_lettered" },
    { type: "autonomy.demoted" },
    { type: "review.reminded" },
    { type: "decision.recorded" },
    { type: "execution.reconciled" },
    { type: "review.expired" },
    { type: "review.overdue" },
  ];
}

/**
 * The newest entry the feed may pass over unread: the chain head, when every policy version stored so
 * far notifies and reminds no one (entries are handled under the version they were made with, so
 * nothing up to the head can produce anything); 0 otherwise. The head is read before the newest
 * version, so no entry up to it can belong to a version this has not checked.
 */
export async function quietThrough(deps: AppDeps): Promise<number> {
  const head = (await deps.store.auditHead())?.seq ?? 0;
  const newest = (await deps.store.activePolicy())?.version ?? 0;
  let known = quietVersions.get(deps) ?? 0;
  for (let version = known + 1; version <= newest; version++) {
    if (!isQuiet(await deps.policies.version(version))) return 0;
    known = version;
    quietVersions.set(deps, known);
  }
  return head;
}

/** By process: the versions 1…n found quiet so far (versions never change once stored). */
const quietVersions = new WeakMap<AppDeps, number>();

const quiet = new WeakMap<CompiledPolicy, boolean>();

/**
 * True when no queue of the policy has a notification channel or a reminder. Queues the policy does not
 * name take the defaults, which have neither.
 */
export function isQuiet(policy: CompiledPolicy): boolean {
  let known = quiet.get(policy);
  if (known === undefined) {
    known = [...policy.queues.values()].every((q) => q.notify.length === 0 && q.remindBeforeMs.length === 0);
    quiet.set(policy, known);
  }
  return known;
}
