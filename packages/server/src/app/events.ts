import { EventEmitter } from "node:events";

/** A change others may want to see at once: SSE subscribers and long-polling agents. */
export interface ChangeEvent {
  type:
    | "proposal.created"
    | "proposal.updated"
    | "review.opened"
    | "review.updated"
    | "review.closed"
    | "policy.loaded"
    /** A promotion or a breaker's demotion changed an agent's autonomy stage on an action type. */
    | "autonomy.changed"
    /** An owner stopped automation in a scope, or lifted a stop; every person may see it, no agent. */
    | "stop.created"
    | "stop.lifted";
  proposalId: string | null;
  reviewId: string | null;
  /** The proposal's agent, for filtering what an agent key may see. */
  agentId: string | null;
  queue: string | null;
  status: string | null;
  at: string;
  /** On `policy.loaded`: the policy version put in force, as its audit entry records it. */
  policyVersion?: number;
}

/**
 * In-process fan-out of change events. One replica sees its own changes at once; long polls also
 * re-read the store periodically so changes made by another process are never missed.
 */
export class EventBus {
  readonly #emitter = new EventEmitter();
  /** Listeners to one proposal's events (long polls), so an event reaches its own waiters only. */
  readonly #byProposal = new Map<string, Set<(event: ChangeEvent) => void>>();

  constructor() {
    // Every long poll and SSE stream adds a listener; thousands can be open at once.
    this.#emitter.setMaxListeners(0);
  }

  publish(event: ChangeEvent): void {
    this.#emitter.emit("change", event);
    if (event.proposalId === null) return;
    const listeners = this.#byProposal.get(event.proposalId);
    if (listeners !== undefined) for (const listener of [...listeners]) listener(event);
  }

  /**
   * Publishes a change to the whole desk, naming no proposal, review, agent, queue or status: a policy
   * version put in force (with its number), a stop created or lifted. Who hears of it: `maySee` in the
   * events route.
   */
  publishDeskWide(type: "policy.loaded", at: string, policyVersion: number): void;
  publishDeskWide(type: "stop.created" | "stop.lifted", at: string): void;
  publishDeskWide(
    type: "policy.loaded" | "stop.created" | "stop.lifted",
    at: string,
    policyVersion?: number,
  ): void {
    const event: ChangeEvent = {
      type,
      proposalId: null,
      reviewId: null,
      agentId: null,
      queue: null,
      status: null,
      at,
    };
    if (policyVersion !== undefined) event.policyVersion = policyVersion;
    this.publish(event);
  }

  /**
   * Calls `listener` for every event of one proposal until the returned function is called: what a
   * long poll waits on. Unlike {@link subscribe}, the cost of an event does not grow with the number of
   * proposals being waited on.
   *
   * @example
   * ```ts
   * const stop = bus.subscribeProposal(id, (event) => { if (event.type === "proposal.updated") wake(); });
   * ```
   */
  subscribeProposal(proposalId: string, listener: (event: ChangeEvent) => void): () => void {
    let listeners = this.#byProposal.get(proposalId);
    if (listeners === undefined) {
      listeners = new Set();
      this.#byProposal.set(proposalId, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#byProposal.get(proposalId) === listeners)
        this.#byProposal.delete(proposalId);
    };
  }

  /** How many listeners wait on one proposal's events (long polls; for diagnostics and tests). */
  waitingOn(proposalId: string): number {
    return this.#byProposal.get(proposalId)?.size ?? 0;
  }

  /** Calls `listener` for every event until the returned function is called. */
  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.#emitter.on("change", listener);
    return () => this.#emitter.off("change", listener);
  }
}
