import { setTimeout as delay } from "node:timers/promises";
import { DecisionTimeoutError, type Loopgate, type Proposal, type ProposeInput } from "@loopgate/sdk";
import {
  customerSummary,
  findDisputedPayment,
  ledgerRecord,
  requestIdentityCheck,
} from "./customer-records.ts";
import { TRAINING_EXAMPLES } from "./data/training-examples.ts";
import { IntentClassifier } from "./intent-classifier.ts";
import { KnowledgeIndex } from "./knowledge-index.ts";
import { type Drafter, templateDrafter } from "./reply-drafting.ts";
import {
  actionProposal,
  kbEvidence,
  moreArticles,
  replyProposal,
  type Understanding,
  understand,
} from "./ticket-plan.ts";
import type { Ticket } from "./tickets.ts";

/** A step of a ticket: the action it asks for, then the reply to the customer. */
export type TicketStep = "action" | "reply";

/** What became of one proposal the agent made. */
export interface StepOutcome {
  step: TicketStep;
  proposalId: string;
  actionType: string;
  status: Proposal["status"];
  /** The payload that was carried out (edited if a reviewer edited it), or null when nothing ran. */
  executedPayload: Record<string, unknown> | null;
  /** The result the agent reported for an action it executed itself; undefined when Loopgate executed it. */
  result?: unknown;
}

export interface SupportAgentOptions {
  /** A client holding the agent's key. */
  loopgate: Loopgate;
  drafter?: Drafter;
  classifier?: IntentClassifier;
  index?: KnowledgeIndex;
  /**
   * Action types the policy gives to the agent (`execute: { via: agent }`): the agent runs these with the
   * approved payload and reports the result. Every other type is executed by Loopgate's webhook.
   */
  executors?: Record<string, (payload: Record<string, unknown>) => Promise<unknown>>;
  /** How long to wait for people, per proposal. @defaultValue Infinity */
  waitTimeoutMs?: number;
  /** How often to look again at a proposal waiting on the customer (`needs_info`). @defaultValue 30000 */
  infoPollMs?: number;
  /** Stops every wait (e.g. when the demo shuts down); waits then reject with the signal's reason. */
  signal?: AbortSignal;
  /** Called for every proposal made or answered, e.g. to persist progress. */
  onProposal?: (ticket: Ticket, step: TicketStep, proposal: Proposal) => void;
}

const DONE = new Set<Proposal["status"]>(["auto_approved", "approved", "approved_with_edits"]);
const WAITING = new Set<Proposal["status"]>(["pending_review", "escalated", "held", "needs_info"]);

/**
 * The support agent: for each ticket it classifies the intent, retrieves help articles, proposes the
 * action the ticket asks for (if any) and a reply citing the articles, and follows each proposal through
 * Loopgate to its end: it waits for people, answers requests for information with more evidence, runs
 * approved (possibly edited) actions it executes itself and reports their results, and handles rejection,
 * blocks and expiry by telling the customer what happened.
 *
 * @example
 * ```ts
 * const agent = new SupportAgent({ loopgate: new Loopgate({ apiKey: process.env.AGENT_KEY }) });
 * const { first, finished } = await agent.start(ticket);
 * console.log(first.status); // routed: auto_approved, pending_review, escalated, needs_info or blocked
 * console.log(await finished); // every step's outcome, once people have decided
 * ```
 */
export class SupportAgent {
  readonly drafter: Drafter;
  readonly classifier: IntentClassifier;
  readonly index: KnowledgeIndex;
  readonly #options: SupportAgentOptions;

  constructor(options: SupportAgentOptions) {
    this.#options = options;
    this.drafter = options.drafter ?? templateDrafter;
    this.classifier = options.classifier ?? IntentClassifier.train(TRAINING_EXAMPLES);
    this.index = options.index ?? new KnowledgeIndex();
  }

  /** Makes the ticket's first proposal and returns it, with a promise of the ticket's whole outcome. */
  async start(ticket: Ticket): Promise<{ first: Proposal; finished: Promise<StepOutcome[]> }> {
    const u = understand(ticket, this.classifier, this.index);
    const action = actionProposal(ticket, u);
    const step: TicketStep = action === null ? "reply" : "action";
    const first = await this.#propose(ticket, step, action ?? (await replyProposal(ticket, u, this.drafter)));
    return { first, finished: this.#finish(ticket, u, step, first) };
  }

  /** Picks up a ticket whose proposal was made before a restart, and follows it to the end. */
  resume(ticket: Ticket, step: TicketStep, proposalId: string): Promise<StepOutcome[]> {
    const u = understand(ticket, this.classifier, this.index);
    return this.#options.loopgate
      .getProposal(proposalId)
      .then((proposal) => this.#finish(ticket, u, step, proposal));
  }

  async #finish(ticket: Ticket, u: Understanding, step: TicketStep, first: Proposal): Promise<StepOutcome[]> {
    const outcome = await this.follow(ticket, step, first);
    // Still undecided when the wait ran out: nothing to tell the customer yet.
    if (step === "reply" || WAITING.has(outcome.status)) return [outcome];
    const after = {
      actionType: outcome.actionType,
      done: outcome.executedPayload !== null,
      payload: outcome.executedPayload ?? first.action.payload,
    };
    const reply = await this.#propose(ticket, "reply", await replyProposal(ticket, u, this.drafter, after));
    return [outcome, await this.follow(ticket, "reply", reply)];
  }

  /** Follows one proposal until it ends: waits, answers requests for information, executes, reports. */
  async follow(ticket: Ticket, step: TicketStep, start: Proposal): Promise<StepOutcome> {
    let proposal = start;
    for (;;) {
      switch (proposal.status) {
        case "pending_review":
        case "escalated":
        case "held": {
          const waited = await this.#wait(proposal);
          // Still undecided when the wait budget ran out: report it as it stands.
          if (waited.timedOut) return this.#outcome(step, waited.proposal, null);
          proposal = waited.proposal;
          continue;
        }
        case "needs_info": {
          const answered = await this.#answer(ticket, proposal);
          if (answered === null) {
            const next = await this.#waitForCustomer(proposal);
            if (next.status === "needs_info") return this.#outcome(step, next, null);
            proposal = next;
          } else {
            this.#options.onProposal?.(ticket, step, answered);
            proposal = answered;
          }
          continue;
        }
        case "auto_approved":
        case "approved":
        case "approved_with_edits":
          return this.#execute(step, proposal);
        case "rejected":
        case "blocked":
        case "expired":
        case "cancelled":
        case "handled_manually":
          return this.#outcome(step, proposal, null);
        default: {
          const unknown: never = proposal.status; // every status of SPEC §3 is handled above
          throw new Error(`proposal ${proposal.id} has a status this agent does not know: ${unknown}`);
        }
      }
    }
  }

  async #propose(ticket: Ticket, step: TicketStep, input: ProposeInput): Promise<Proposal> {
    // Derived from the ticket and step, so a retry or a restart never proposes the same thing twice.
    const proposal = await this.#options.loopgate.propose(input, { idempotencyKey: `${ticket.id}:${step}` });
    this.#options.onProposal?.(ticket, step, proposal);
    return proposal;
  }

  async #wait(proposal: Proposal): Promise<{ proposal: Proposal; timedOut: boolean }> {
    try {
      const decided = await this.#options.loopgate.waitForDecision(proposal.id, {
        timeoutMs: this.#options.waitTimeoutMs ?? Number.POSITIVE_INFINITY,
        ...(this.#options.signal ? { signal: this.#options.signal } : {}),
      });
      return { proposal: decided, timedOut: false };
    } catch (error) {
      if (error instanceof DecisionTimeoutError)
        return { proposal: error.proposal as Proposal, timedOut: true };
      throw error;
    }
  }

  /**
   * Answers `needs_info`: the policy's (a ledger record or an identity check is missing) or a reviewer's
   * `request_info` (more articles and the customer's record, with a note). Null when the agent has nothing
   * to add yet (the customer has not done the identity check).
   */
  async #answer(ticket: Ticket, proposal: Proposal): Promise<Proposal | null> {
    const asked = proposal.decisions.at(-1);
    const lastAnswer = proposal.info.at(-1)?.at ?? "";
    const byReviewer = asked?.verdict === "request_info" && asked.at > lastAnswer;
    const type = proposal.action.type;
    if (!byReviewer && type === "billing.refund") {
      const found = findDisputedPayment(ticket);
      if (found === null) return null;
      const ledger = ledgerRecord(ticket, found.entry, { archive: true });
      if (ledger.evidence === null) return null;
      return this.#options.loopgate.provideInfo(proposal.id, {
        message: "Found the payment in the ledger archive; its record is attached.",
        evidence: [ledger.evidence],
        toolCalls: [ledger.call],
      });
    }
    if (!byReviewer && type === "account.update_details") {
      const check = requestIdentityCheck(ticket);
      if (check.evidence === null) return null;
      return this.#options.loopgate.provideInfo(proposal.id, {
        message: "The customer completed the identity check in the app.",
        evidence: [check.evidence],
        toolCalls: [check.call],
      });
    }
    const already = proposal.evidence.flatMap((e) => (e.id === undefined ? [] : [e.id]));
    const extra = moreArticles(ticket, this.index, already);
    const customer = customerSummary(ticket);
    return this.#options.loopgate.provideInfo(proposal.id, {
      message: `Answering "${asked?.comment ?? "more information"}": attached the customer's record and ${extra.length} more help articles.`,
      evidence: [customer.evidence, ...kbEvidence(extra)],
      toolCalls: [customer.call],
    });
  }

  /** Waits for a proposal the customer must act on to leave `needs_info` (answered elsewhere, or expired). */
  async #waitForCustomer(proposal: Proposal): Promise<Proposal> {
    const budget = this.#options.waitTimeoutMs ?? Number.POSITIVE_INFINITY;
    const pollMs = this.#options.infoPollMs ?? 30_000;
    const deadline = Date.now() + budget;
    let current = proposal;
    while (current.status === "needs_info" && Date.now() + pollMs <= deadline) {
      await delay(pollMs, undefined, { signal: this.#options.signal });
      current = await this.#options.loopgate.getProposal(proposal.id);
    }
    return current;
  }

  async #execute(step: TicketStep, proposal: Proposal): Promise<StepOutcome> {
    const payload = proposal.finalPayload ?? proposal.action.payload;
    const run = this.#options.executors?.[proposal.action.type];
    if (run === undefined) return this.#outcome(step, proposal, payload); // Loopgate's webhook carries it out
    // Report under the grant Loopgate issued for exactly this payload, so the report is checked against it.
    const grant = proposal.execution.grant;
    const underGrant = grant ? { grant, payload } : {};
    try {
      const result = await run(payload);
      const report = { status: "succeeded" as const, output: result, ...underGrant };
      await this.#options.loopgate.reportResult(proposal.id, report);
      return { ...this.#outcome(step, proposal, payload), result };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const report = { status: "failed" as const, error: message, ...underGrant };
      await this.#options.loopgate.reportResult(proposal.id, report);
      return this.#outcome(step, proposal, null);
    }
  }

  #outcome(step: TicketStep, proposal: Proposal, executed: Record<string, unknown> | null): StepOutcome {
    return {
      step,
      proposalId: proposal.id,
      actionType: proposal.action.type,
      status: proposal.status,
      executedPayload: executed === null || !DONE.has(proposal.status) ? null : executed,
    };
  }
}
