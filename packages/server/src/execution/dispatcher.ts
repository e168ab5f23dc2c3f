import type { AuditDraft, CompiledPolicy, ExecutorRequestBody } from "@loopgate/core";
import type { AppDeps } from "../app/deps.ts";
import type { ExecutionControl } from "../app/execution-control.ts";
import { EXECUTABLE_STATUSES, hostOf } from "../app/execution-plan.ts";
import { SYSTEM_ACTOR } from "../app/principal.ts";
import { type ExecutionRow, type StopRow, stopCovers } from "../store/execution-rows.ts";
import type { Write } from "../store/store.ts";
import { executorAllowed, policyExecutorHosts } from "./allowlist.ts";
import { attemptWrites, judgeAttempt, proposalExecutionStatus } from "./attempt-result.ts";
import { resolveSecret, webhookSignature } from "./signature.ts";
import { type DeliveryOutcome, type DeliveryRequest, deliver } from "./webhook-delivery.ts";

const onServer = new WeakMap<CompiledPolicy, boolean>();

/**
 * Whether a policy has this server execute anything (a webhook executor or rollback). When the active
 * one does not — agents run their own approved actions — an approval has nothing to wake the
 * dispatcher for, and it spares every such proposal a read of the stops and the due executions; work
 * left from an earlier policy version is still found by the poll.
 */
function executesOnServer(policy: CompiledPolicy | null): boolean {
  if (policy === null) return true;
  let known = onServer.get(policy);
  if (known === undefined) {
    known = [...policy.actionTypes.values()].some(
      (type) => type.execute.via === "webhook" || type.rollback?.via === "webhook",
    );
    onServer.set(policy, known);
  }
  return known;
}

export interface DispatcherOptions {
  /** Names this process in leases. */
  owner: string;
  /** Where `env:NAME` secrets are read. @defaultValue process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** @defaultValue Math.random */
  random?: () => number;
  /** Attempts in flight at once. @defaultValue 32 */
  concurrency?: number;
  /** How long past its timeout an attempt's lease lasts before it counts as cut off. @defaultValue 2000 */
  leaseGraceMs?: number;
  /** The sender; tests may wrap it. @defaultValue deliver */
  send?: (request: DeliveryRequest) => Promise<DeliveryOutcome>;
}

/**
 * Delivers queued executions to webhook executors (the outbox's other half). Each attempt is
 * claimed with a lease in its own commit — which also checks the stops in force inside the
 * transaction, so no attempt starts after a stop commits — and its outcome is recorded, with its
 * audit entry, in another. Executions live in the store, so after a crash the next process picks up
 * what was queued, and an attempt cut off mid-flight is resumed once its lease lapses (re-sent to an
 * idempotent executor under the same webhook-id; `unknown` for a non-idempotent one).
 */
export class ExecutionDispatcher implements ExecutionControl {
  readonly #deps: AppDeps;
  readonly #options: Required<DispatcherOptions>;
  readonly #inFlight = new Map<string, { agentId: string; actionType: string; done: Promise<void> }>();
  #timer: NodeJS.Timeout | null = null;
  #unsubscribe: (() => void) | null = null;
  #ticking: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(deps: AppDeps, options: DispatcherOptions) {
    this.#deps = deps;
    this.#options = {
      env: process.env,
      random: Math.random,
      concurrency: 32,
      leaseGraceMs: 2000,
      send: deliver,
      ...options,
    };
  }

  start(): void {
    this.#unsubscribe = this.#deps.events.subscribe((event) => {
      if (
        event.type.startsWith("proposal.") &&
        event.status !== null &&
        EXECUTABLE_STATUSES.has(event.status) &&
        executesOnServer(this.#deps.policies.activeOrNull())
      )
        this.wake();
    });
    this.#timer = setInterval(() => this.wake(), this.#deps.config.execution.pollMs);
    this.#timer.unref();
    this.wake();
  }

  /** Stops claiming, then waits for the attempts in flight to finish and be recorded. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#timer !== null) clearInterval(this.#timer);
    await this.#ticking;
    await Promise.all([...this.#inFlight.values()].map((a) => a.done));
  }

  wake(): void {
    if (this.#stopped) return;
    if (this.#ticking !== null) {
      this.#again = true;
      return;
    }
    this.#ticking = this.tick()
      .catch((error: unknown) =>
        this.#deps.logger.error({ err: error }, "execution dispatch failed; retrying"),
      )
      .finally(() => {
        this.#ticking = null;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  async settle(covers: (agentId: string, actionType: string) => boolean): Promise<void> {
    await Promise.all(
      [...this.#inFlight.values()].filter((a) => covers(a.agentId, a.actionType)).map((a) => a.done),
    );
  }

  /** One pass: claims what is due (up to the free concurrency) and starts its attempts. */
  async tick(): Promise<void> {
    const free = this.#options.concurrency - this.#inFlight.size;
    if (free <= 0) return;
    const now = this.#deps.now();
    // Stops are read from the store before every pass, so a stop made by the CLI is honoured too.
    const stops = await this.#deps.store.stopsInForce();
    const due = (await this.#deps.store.dueExecutions(now.toISOString(), free + this.#inFlight.size)).filter(
      (row) => !this.#inFlight.has(row.id),
    );
    await Promise.all(due.slice(0, free).map((row) => this.#claimAndSend(row, stops)));
  }

  async #claimAndSend(row: ExecutionRow, stops: readonly StopRow[]): Promise<void> {
    // A stop cancels the executions queued when it is made (see stops.ts); one queued while it is in
    // force — an approval or a retry a person gave meanwhile, a rollback they asked for — waits for the
    // lift. The store lists none of those as due; this covers a stop made since that read.
    if (row.status === "queued" && stops.some((s) => stopCovers(s, row.agentId, row.actionType))) return;
    if (row.kind === "rollback" && row.rollbackOf !== null) {
      const original = await this.#deps.store.execution(row.rollbackOf);
      if (original?.status === "queued" || original?.status === "executing") return; // not finished yet
      if (original?.status !== "executed") {
        const because = `nothing to roll back: the action's execution is ${original?.status ?? "missing"}`;
        return void (await cancelExecution(this.#deps, row, { because }));
      }
    }
    const now = this.#deps.now();
    const refusal = this.#refusal(row);
    if (refusal !== null) return void (await this.#record(row, { kind: "not_sent", error: refusal }, true));
    if (row.status === "executing" && !row.doc.executor.idempotent) {
      // Cut off by a crash mid-attempt: it may have reached the executor. Never sent twice.
      return void (await this.#record(row, {
        kind: "unclear",
        error: "the attempt was cut off (Loopgate restarted)",
      }));
    }
    const at = now.toISOString();
    const claim: Write = {
      kind: "updateExecution",
      id: row.id,
      expectVersion: row.version,
      set: {
        status: "executing",
        attempts: row.attempts + 1,
        leaseOwner: this.#options.owner,
        leaseExpiresAt: new Date(
          now.getTime() + row.doc.executor.timeoutMs + this.#options.leaseGraceMs,
        ).toISOString(),
        updatedAt: at,
      },
      unlessStopped: { agentId: row.agentId, actionType: row.actionType },
    };
    const writes: Write[] = [claim];
    const mirrored = proposalExecutionStatus(row.kind, "executing");
    if (mirrored !== null)
      writes.push({ kind: "setProposalExecutionStatus", proposalId: row.proposalId, status: mirrored, at });
    const started: AuditDraft = {
      at,
      actor: SYSTEM_ACTOR,
      type: "execution.attempt_started",
      proposalId: row.proposalId,
      data: {
        executionId: row.id,
        kind: row.kind,
        attempt: row.attempts + 1,
        host: hostOf(row.doc.executor.url),
        resumed: row.status === "executing",
      },
    };
    const result = await this.#deps.store.commit({ writes, audit: [started] });
    // Another process claimed it, or a stop made since holds it: the stop's own request cancels what
    // was queued when it was made.
    if (!result.ok) return;
    const claimed: ExecutionRow = { ...row, ...claim.set, version: row.version + 1 } as ExecutionRow;
    const done = this.#send(claimed).finally(() => this.#inFlight.delete(row.id));
    this.#inFlight.set(row.id, { agentId: row.agentId, actionType: row.actionType, done });
  }

  /** Why an execution must not be sent (it is dead-lettered), or null to send it. */
  #refusal(row: ExecutionRow): string | null {
    const { url, secret } = row.doc.executor;
    if (url === null) return "the executor has no URL";
    const hosts = () => policyExecutorHosts(this.#deps.policies.active());
    if (!executorAllowed(url, this.#deps.config.executorAllowlist, hosts)) {
      return `the executor host ${hostOf(url) ?? url} is not on the executor allowlist`;
    }
    if (secret === null) return "the executor has no secret: add secret: env:NAME to the policy";
    if (resolveSecret(secret, this.#options.env) === null) return `the executor secret ${secret} is not set`;
    return null;
  }

  async #send(row: ExecutionRow): Promise<void> {
    const { executor } = row.doc;
    const body: ExecutorRequestBody = {
      type: row.kind === "rollback" ? "action.rollback" : "action.execute",
      proposalId: row.proposalId,
      action: row.doc.action,
      decision: row.doc.decision,
      ...(row.rollbackOf === null ? {} : { rollbackOf: row.rollbackOf }),
    };
    const text = JSON.stringify(body);
    const timestamp = Math.floor(this.#deps.now().getTime() / 1000);
    const secret = resolveSecret(executor.secret ?? "", this.#options.env) ?? "";
    const headers: Record<string, string> = {
      "webhook-id": row.id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": webhookSignature(secret, row.id, timestamp, text),
      "idempotency-key": row.id,
      "user-agent": "Loopgate-Executor/1",
    };
    if (row.doc.traceparent !== null) headers.traceparent = row.doc.traceparent;
    const outcome = await this.#options.send({
      url: executor.url!,
      headers,
      body: text,
      timeoutMs: executor.timeoutMs,
    });
    await this.#record(row, outcome);
    if (row.doc.executor.idempotent) this.wake(); // a retry may already be due
  }

  /** Records an attempt's outcome; `final` dead-letters whatever the executor's retry settings say. */
  async #record(row: ExecutionRow, outcome: DeliveryOutcome, final = false): Promise<void> {
    const now = this.#deps.now();
    const verdict = judgeAttempt(final ? { ...row, attempts: Number.POSITIVE_INFINITY } : row, outcome, now, {
      ...this.#deps.config.execution,
      random: this.#options.random,
    });
    if (final) verdict.status = verdict.status === "executed" ? "executed" : "dead_lettered";
    const part = attemptWrites(row, verdict, this.#deps.policies.active(), this.#deps.newId, now);
    const result = await this.#deps.store.commit(part);
    if (!result.ok) {
      this.#deps.logger.warn(
        { executionId: row.id, conflict: result.conflict },
        "attempt outcome not recorded (the execution changed)",
      );
      return;
    }
    const at = now.toISOString();
    this.#deps.events.publish({
      type: "proposal.updated",
      proposalId: row.proposalId,
      reviewId: part.review?.id ?? null,
      agentId: row.agentId,
      queue: part.review?.queue ?? null,
      status: null,
      at,
    });
    // A reconciliation review opened: inboxes show it as they show any new review.
    if (part.review !== null) {
      this.#deps.events.publish({
        type: "review.opened",
        proposalId: row.proposalId,
        reviewId: part.review.id,
        agentId: row.agentId,
        queue: part.review.queue,
        status: part.review.status,
        at,
      });
    }
  }
}

/**
 * Cancels a queued execution — a stop covers it, or a rollback has nothing to undo; false when it
 * changed meanwhile.
 */
export async function cancelExecution(
  deps: AppDeps,
  row: ExecutionRow,
  why: { stopId: string } | { because: string },
): Promise<boolean> {
  const at = deps.now().toISOString();
  const writes: Write[] = [
    {
      kind: "updateExecution",
      id: row.id,
      expectVersion: row.version,
      set: { status: "cancelled", nextAttemptAt: null, updatedAt: at },
    },
  ];
  const mirrored = proposalExecutionStatus(row.kind, "cancelled");
  if (mirrored !== null)
    writes.push({ kind: "setProposalExecutionStatus", proposalId: row.proposalId, status: mirrored, at });
  const result = await deps.store.commit({
    writes,
    audit: [
      {
        at,
        actor: SYSTEM_ACTOR,
        type: "execution.cancelled",
        proposalId: row.proposalId,
        data: { executionId: row.id, kind: row.kind, ...why },
      },
    ],
  });
  return result.ok;
}
