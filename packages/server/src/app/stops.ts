import {
  type Actor,
  LiftStopInput,
  proposalTransition,
  type Route,
  StopInput,
  StopQuery,
  type StopView,
} from "@loopgate/core";
import { cancelExecution } from "../execution/dispatcher.ts";
import { type StopRow, stopCovers } from "../store/execution-rows.ts";
import type { Write } from "../store/store.ts";
import { AppError, invalidInput } from "./app-error.ts";
import { calibratorFor } from "./calibrate.ts";
import type { AppDeps } from "./deps.ts";
import { executionPlan } from "./execution-plan.ts";
import { type Principal, requireRole } from "./principal.ts";
import { evaluate, reviewFor, reviewOpenedEntry, routedEntry } from "./propose.ts";
import { forgetQueueLoad, overloadedQueues, overloadHoldQueue } from "./queue-load.ts";
import { forgetStops } from "./stop-scope.ts";
import { parseInput } from "./zod-issues.ts";

/** Most held proposals or queued executions handled in one pass of a stop or resume. */
const PAGE = 500;

/** What `POST /v1/stops` (and `loopgate stop`) answers: the stop, and whether this request made it. */
export interface StopCreated {
  stop: StopView;
  /** False when a stop with exactly this scope was already in force: it is answered, nothing is made. */
  created: boolean;
}

/**
 * `POST /v1/stops`: an owner halts automation for an agent, an action type, or everything. Once this
 * returns, nothing in scope executes: the stop is committed (every attempt checks the stops inside
 * the transaction that starts it), the queued executions in scope are cancelled, and the attempts
 * this process already had in flight have finished. New proposals in scope are `held`.
 *
 * A stop with exactly the same scope already in force (a second click, two owners reacting to the same
 * incident, a retried request) is answered as it is, with `alreadyInForce: true` (a stop just made carries no such field): no second identical
 * stop, which one resume would leave in force, and nothing audited. Its reason is the first one's.
 */
export async function createStop(deps: AppDeps, actor: Actor, body: unknown): Promise<StopCreated> {
  const { scope, reason } = parseInput(StopInput, body, "invalid_input");
  if (scope.actionType !== undefined) refuseUndeclaredActionType(deps, scope.actionType);
  const agentId = scope.agent ?? null;
  const actionType = scope.actionType ?? null;
  const made = await oneAtATime(deps.store, async () => {
    const same = (await deps.store.stopsInForce()).find(
      (stop) => stop.agentId === agentId && stop.actionType === actionType,
    );
    if (same !== undefined) return { row: same, created: false };
    const at = deps.now().toISOString();
    const row: StopRow = {
      id: deps.newId(),
      agentId,
      actionType,
      reason,
      createdBy: { id: actor.id, name: actor.name },
      createdAt: at,
      liftedAt: null,
      liftedBy: null,
      liftReason: null,
      version: 1,
    };
    const result = await deps.store.commit({
      writes: [{ kind: "insertStop", row }],
      audit: [
        {
          at,
          actor,
          type: "stop.created",
          proposalId: null,
          data: { stopId: row.id, scope: scopeOf(row), reason },
        },
      ],
    });
    if (!result.ok)
      throw new Error(`unexpected conflict while storing a stop: ${JSON.stringify(result.conflict)}`);
    forgetStops(deps.store);
    return { row, created: true };
  });
  const { row, created } = made;
  if (created) {
    // Every person's open app re-reads the stops (its banner); see `maySee` in the events route.
    deps.events.publishDeskWide("stop.created", row.createdAt);
    await cancelQueuedInScope(deps, row);
    await deps.executions?.settle((agentId, actionType) => stopCovers(row, agentId, actionType));
  }
  return { stop: created ? stopView(row) : { ...stopView(row), alreadyInForce: true }, created };
}

/** The stop creations in progress, per store: the look for an identical stop and the insert go together. */
const creating = new WeakMap<object, Promise<unknown>>();

/**
 * Runs `work` after every earlier call for the same store has settled, so that two identical stops sent
 * at once in this process make one. (Another process — the CLI beside a server, another replica — can
 * still race it; the worst case is the two identical stops this guards against, both in force.)
 */
function oneAtATime<T>(store: object, work: () => Promise<T>): Promise<T> {
  const before = creating.get(store) ?? Promise.resolve();
  const run = before.then(work, work);
  creating.set(
    store,
    run.catch(() => undefined),
  );
  return run;
}

/**
 * A stop on an action type the active policy does not declare would stop nothing (most likely a typo),
 * so it is refused with the declared ones.
 */
function refuseUndeclaredActionType(deps: AppDeps, actionType: string): void {
  const policy = deps.policies.activeOrNull();
  if (policy === null || policy.actionTypes.has(actionType)) return;
  const declared = [...policy.actionTypes.keys()].sort();
  throw invalidInput("unknown_action_type", [
    {
      path: "scope.actionType",
      message: `"${actionType}" is not declared in the active policy (version ${policy.version}): use one of ${declared.join(", ")}`,
    },
  ]);
}

/**
 * `GET /v1/stops`: the stops in force, oldest first, in one page — people of every role may read them,
 * since a reviewer whose approvals will not execute needs to know why; agents may not. With
 * `state=lifted`, the history: the stops lifted, most recently lifted first, for owners and auditors.
 */
export async function listStops(
  deps: AppDeps,
  principal: Principal,
  query: Record<string, string> = {},
): Promise<{ items: StopView[]; nextCursor: string | null }> {
  requireRole(principal, ["reviewer", "owner", "auditor"]);
  const { state, limit, cursor } = parseInput(StopQuery, query, "invalid_query", "query");
  if (state === "in_force" && (cursor !== undefined || query.limit !== undefined)) {
    throw invalidInput("invalid_query", [
      {
        path: cursor !== undefined ? "query.cursor" : "query.limit",
        message: "the stops in force come in one page; limit and cursor page the history (state=lifted)",
      },
    ]);
  }
  if (state === "in_force") {
    const [stops, held] = await Promise.all([deps.store.stopsInForce(), deps.store.heldCounts()]);
    const items = stops.map((stop) => ({
      ...stopView(stop),
      held: held.reduce((n, h) => (stopCovers(stop, h.agentId, h.actionType) ? n + h.held : n), 0),
    }));
    return { items, nextCursor: null };
  }
  requireRole(principal, ["owner", "auditor"]);
  const page = await deps.store.liftedStops(limit, cursor);
  return { items: page.items.map(stopView), nextCursor: page.nextCursor };
}

/**
 * `DELETE /v1/stops/:id`: lifts a stop (audited) and routes again the proposals it held, unless
 * another stop in force still covers them.
 */
export async function liftStop(
  deps: AppDeps,
  actor: Actor,
  stopId: string,
  body: unknown = {},
): Promise<StopView> {
  const { reason } = parseInput(LiftStopInput, body, "invalid_input");
  const stop = await deps.store.stop(stopId);
  if (stop === null)
    throw new AppError("not_found", "stop_not_found", `No stop ${stopId}: list them with GET /v1/stops`);
  if (stop.liftedAt !== null) {
    throw new AppError("conflict", "stop_already_lifted", `This stop was lifted at ${stop.liftedAt}`, {
      stop: stopView(stop),
    });
  }
  const at = deps.now().toISOString();
  const lifted = { liftedAt: at, liftedBy: { id: actor.id, name: actor.name }, liftReason: reason ?? null };
  const result = await deps.store.commit({
    writes: [{ kind: "updateStop", id: stop.id, expectVersion: stop.version, set: lifted }],
    audit: [
      {
        at,
        actor,
        type: "stop.lifted",
        proposalId: null,
        data: { stopId: stop.id, scope: scopeOf(stop), ...(reason === undefined ? {} : { reason }) },
      },
    ],
  });
  if (!result.ok)
    throw new AppError("conflict", "stop_already_lifted", "Someone lifted this stop at the same time");
  forgetStops(deps.store);
  deps.events.publishDeskWide("stop.lifted", at);
  await releaseHeld(deps, actor);
  deps.executions?.wake();
  return stopView({ ...stop, ...lifted, version: stop.version + 1 });
}

/** Cancels the queued executions a stop covers (rollbacks a person asked for wait for the lift instead). */
async function cancelQueuedInScope(deps: AppDeps, stop: StopRow): Promise<void> {
  const tried = new Set<string>();
  for (;;) {
    const queued = (await deps.store.queuedExecutions(PAGE * 4)).filter(
      (e) => e.kind === "execute" && !tried.has(e.id) && stopCovers(stop, e.agentId, e.actionType),
    );
    if (queued.length === 0) return;
    for (const row of queued) tried.add(row.id);
    await Promise.all(queued.map((row) => cancelExecution(deps, row, { stopId: stop.id })));
  }
}

/**
 * Routes again every held proposal that nothing holds any more: no stop in force covers it, and the
 * queue whose overload held it (see the policy's `overload` section) is back within its capacity. Each
 * is routed as a new proposal would be now — calibrated confidence, the stage and threshold in force.
 */
export async function releaseHeld(deps: AppDeps, actor: Actor): Promise<number> {
  const stops = await deps.store.stopsInForce();
  const policy = deps.policies.active();
  forgetQueueLoad(deps.store);
  const overloaded = await overloadedQueues(deps.store, policy);
  let released = 0;
  const seen = new Set<string>();
  for (;;) {
    const held = (await deps.store.heldProposals(PAGE)).filter((p) => !seen.has(p.id));
    if (held.length === 0) return released;
    for (const proposal of held) {
      seen.add(proposal.id);
      if (stops.some((s) => stopCovers(s, proposal.agentId, proposal.actionType))) continue;
      const doc = proposal.doc;
      const holdQueue = overloadHoldQueue((doc.route as Route | null)?.reasons ?? []);
      if (holdQueue !== null && overloaded.has(holdQueue)) continue;
      const input = {
        action: doc.action,
        request: (doc.request ?? undefined) as never,
        summary: doc.summary ?? undefined,
        evidence: doc.evidence as never[],
        toolCalls: doc.toolCalls as never[],
        context: doc.context,
        signals: ((doc.signals as { agent?: unknown; agentConfidence?: number | null } | null) ??
          {}) as never,
      };
      const now = deps.now();
      const at = now.toISOString();
      const calibrator = await calibratorFor(deps, proposal.agentId, proposal.actionType);
      const { signals, decision } = evaluate(
        policy,
        proposal.id,
        proposal.agentId,
        input,
        [],
        calibrator,
        overloaded,
      );
      // Still held (its queue is overloaded again, and its agent paused): it waits for the next release.
      if (decision.hold !== undefined) continue;
      // `released` records the lift; the `routed` that follows in the same change sets the status.
      const release = proposalTransition("held", { kind: "released" });
      const routed = proposalTransition("held", { kind: "routed", verdict: decision.route.verdict });
      if (!release.ok || !routed.ok) continue;
      const next = {
        ...proposal,
        status: routed.to,
        policyVersion: policy.version,
        doc: { ...doc, route: decision.route },
      };
      const review = reviewFor(deps, next, decision, now);
      const writes: Write[] = [
        {
          kind: "updateProposal",
          id: proposal.id,
          expectVersion: proposal.version,
          set: { status: routed.to, policyVersion: policy.version, updatedAt: at, doc: next.doc },
        },
      ];
      const audit = [
        { at, actor, type: "proposal.released", proposalId: proposal.id, data: { from: "held" } },
        routedEntry(at, proposal.id, decision.route, routed.to, signals),
      ];
      if (review !== null) {
        writes.push({ kind: "insertReview", row: review });
        audit.push(reviewOpenedEntry(at, review));
      }
      const execution = executionPlan(deps, next, policy, null, now);
      writes.push(...execution.writes);
      audit.push(...execution.audit);
      const result = await deps.store.commit({ writes, audit });
      if (!result.ok) continue;
      released++;
      deps.events.publish({
        type: "proposal.updated",
        proposalId: proposal.id,
        reviewId: review?.id ?? null,
        agentId: proposal.agentId,
        queue: review?.queue ?? null,
        status: routed.to,
        at,
      });
    }
  }
}

function scopeOf(stop: Pick<StopRow, "agentId" | "actionType">): StopView["scope"] {
  if (stop.agentId === null && stop.actionType === null) return { all: true };
  return {
    ...(stop.agentId === null ? {} : { agent: stop.agentId }),
    ...(stop.actionType === null ? {} : { actionType: stop.actionType }),
  };
}

/** A stop as the API shows it. */
export function stopView(stop: StopRow): StopView {
  return {
    id: stop.id,
    scope: scopeOf(stop),
    reason: stop.reason,
    createdBy: stop.createdBy,
    createdAt: stop.createdAt,
    liftedAt: stop.liftedAt,
    liftedBy: stop.liftedBy,
    liftReason: stop.liftReason,
  };
}
