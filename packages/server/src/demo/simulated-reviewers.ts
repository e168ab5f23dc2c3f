import { setTimeout as delay } from "node:timers/promises";
import {
  ConflictError,
  type DecideInput,
  GoneError,
  Loopgate,
  type Proposal,
  type ReviewItem,
} from "@loopgate/sdk";
import { ANSWERS } from "../../../../examples/support-desk/data/reply-templates.ts";
import { mulberry32, type Random } from "../../../../examples/support-desk/random.ts";
import { fillSlots } from "../../../../examples/support-desk/reply-drafting.ts";
import type { Ticket } from "../../../../examples/support-desk/tickets.ts";

export interface SimulatedReviewersOptions {
  url: string;
  /** The people to simulate, each acting with their own key (so distinct-approver rules hold). */
  reviewers: { name: string; key: string }[];
  /** The demo's tickets by id: a reviewer reads the customer's email and knows what it was about. */
  tickets: ReadonlyMap<string, Ticket>;
  /** Reading times are multiplied by this (0.05 turns a one-minute read into three seconds). */
  timeScale: number;
  seed?: number;
  log?: (line: string) => void;
}

/** One decision a simulated person made. */
export interface SimulatedDecision {
  reviewer: string;
  queue: string;
  actionType: string;
  verdict: string;
  /** How long the person read before deciding, after the time scale. */
  dwellMs: number;
}

export interface SimulatedReviewers {
  /** Every decision so far, in order. */
  readonly decisions: readonly SimulatedDecision[];
  stop(): Promise<void>;
}

/** How fast people read a review packet, in words a minute, and the least time anyone spends on one. */
const WORDS_PER_MINUTE = 230;
const MIN_DWELL_MS = 8_000;
/** The share of decisions that are simply wrong: approving a wrong reply, rejecting a right one. */
const MISTAKE_RATE = 0.04;
/** How long a reviewer waits before looking at the queue again when it is empty. */
const IDLE_MS = 2_000;

/**
 * People working the queues in the demo: each reviewer takes the oldest review they may decide, claims it,
 * reads it for a time that follows its length (and varies), and decides as a careful person would — mostly
 * right, editing drafts that answer the wrong question or need a warmer tone, asking for more when the
 * evidence is thin, escalating some, and now and then getting it wrong.
 */
export function startSimulatedReviewers(options: SimulatedReviewersOptions): SimulatedReviewers {
  const aborter = new AbortController();
  const random = mulberry32(options.seed ?? 7);
  const decisions: SimulatedDecision[] = [];
  const loops = options.reviewers.map((reviewer) =>
    runReviewer(reviewer, options, random, aborter.signal, decisions),
  );
  return {
    decisions,
    async stop() {
      aborter.abort();
      await Promise.allSettled(loops);
    },
  };
}

async function runReviewer(
  reviewer: { name: string; key: string },
  options: SimulatedReviewersOptions,
  random: Random,
  signal: AbortSignal,
  decisions: SimulatedDecision[],
): Promise<void> {
  const client = new Loopgate({ url: options.url, apiKey: reviewer.key });
  while (!signal.aborted) {
    try {
      const { items } = await client.listReviews({ limit: 20 });
      const review = items.find(
        (item) => item.claim === null && !item.approvers.some((a) => a.name === reviewer.name),
      );
      if (review === undefined) {
        await delay(IDLE_MS, undefined, { signal });
        continue;
      }
      await client.claim(review.id, { leaseSeconds: 600 });
      const proposal = await client.getProposal(review.proposalId);
      const dwell = dwellMs(proposal, random) * options.timeScale;
      await delay(dwell, undefined, { signal });
      const decision = decide(review, proposal, options.tickets, random);
      await client.decide(review.id, { ...decision, packetHash: proposal.packetHash });
      decisions.push({
        reviewer: reviewer.name,
        queue: review.queue,
        actionType: review.actionType,
        verdict: decision.verdict,
        dwellMs: Math.round(dwell),
      });
    } catch (error) {
      if (signal.aborted) return;
      // Someone else claimed or decided first, or the packet changed: the queue moved on, look again.
      if (!(error instanceof ConflictError || error instanceof GoneError)) {
        options.log?.(
          `simulated ${reviewer.name}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      await delay(IDLE_MS, undefined, { signal }).catch(() => {});
    }
  }
}

/** Reading time: the request, the draft and the evidence at reading speed, give or take a third. */
function dwellMs(proposal: Proposal, random: Random): number {
  const text = [
    proposal.request?.text,
    JSON.stringify(proposal.action.payload),
    ...proposal.evidence.map((e) => e.snippet),
  ]
    .filter((t): t is string => typeof t === "string")
    .join(" ");
  const words = text.split(/\s+/).length;
  const base = (words / WORDS_PER_MINUTE) * 60_000;
  return Math.max(MIN_DWELL_MS, base * (0.67 + random.next() * 0.66));
}

/** What a careful person decides, knowing what the customer actually asked. */
export function decide(
  review: ReviewItem,
  proposal: Proposal,
  tickets: ReadonlyMap<string, Ticket>,
  random: Random,
): DecideInput {
  const ticket = tickets.get(String(proposal.context.ticket ?? ""));
  const right = judge(proposal, ticket);
  const mistaken = random.chance(MISTAKE_RATE);
  if (ticket === undefined) return { verdict: "approve" };
  const type = proposal.action.type;

  if (type === "support.reply") {
    const understood = proposal.signals.agent.intent === ticket.intent;
    if (review.level > 0 && random.chance(0.35)) {
      return {
        verdict: "handle_manually",
        category: "needs_specialist",
        comment: "Answering this one myself",
      };
    }
    if (understood !== mistaken) {
      if (ticket.flavours.includes("angry") && random.chance(0.6)) {
        return edit(proposal, "wrong_tone", "Acknowledged the frustration first", (body) =>
          body.replace(
            /^(Hi [^,\n]+,)\n\n/,
            "$1\n\nI'm sorry this has been so frustrating, and thank you for your patience.\n\n",
          ),
        );
      }
      if (random.chance(0.04)) {
        return {
          verdict: "request_info",
          category: "missing_evidence",
          comment: "Attach the customer's record before we send this",
        };
      }
      if (review.level === 0 && random.chance(0.04)) {
        return { verdict: "escalate", category: "needs_specialist", comment: "Not sure, a lead should look" };
      }
      return { verdict: "approve" };
    }
    const answer = ANSWERS[ticket.intent];
    if (answer !== undefined && random.chance(0.7)) {
      const request = { ticket, intent: ticket.intent, articles: [] };
      const corrected = answer.map((sentence) => fillSlots(sentence, request)).join(" ");
      return edit(
        proposal,
        "wrong_answer",
        `The customer asked about ${ticket.intent.replaceAll("_", " ")}`,
        (body) => body.replace(/^(Hi [^,\n]+,\n\n)[\s\S]*?(\n\nKind regards,)/, `$1${corrected}$2`),
      );
    }
    return { verdict: "reject", category: "wrong_answer", comment: "The draft answers a different question" };
  }
  if (right === mistaken) {
    return {
      verdict: "reject",
      category: "policy_violation",
      comment: "This does not match the customer's account",
    };
  }
  if (type === "billing.refund" && typeof proposal.action.payload.amount === "number" && random.chance(0.1)) {
    const amount = Math.round(proposal.action.payload.amount * 50) / 100;
    return {
      verdict: "edit",
      patch: { amount },
      category: "wrong_amount",
      comment: "Half now as a goodwill credit; the rest once the shop answers",
    };
  }
  return { verdict: "approve" };
}

/** Whether the proposed action is what the ticket needs, as a person checking the account would see it. */
function judge(proposal: Proposal, ticket: Ticket | undefined): boolean {
  if (ticket === undefined) return true;
  switch (proposal.action.type) {
    case "billing.refund":
      return ticket.intent === "duplicate_charge" || ticket.intent === "refund_missing";
    case "card.freeze":
      return ticket.intent === "card_lost_stolen" || ticket.intent === "unrecognised_payment";
    case "account.update_details":
      return (
        proposal.evidence.some((e) => e.source === "identity") &&
        proposal.action.payload.newValue === ticket.facts.newValue
      );
    default:
      return true;
  }
}

function edit(
  proposal: Proposal,
  category: string,
  comment: string,
  change: (body: string) => string,
): DecideInput {
  const body = String(proposal.action.payload.body ?? "");
  const changed = change(body);
  if (changed === body) return { verdict: "approve" };
  return { verdict: "edit", patch: { body: changed }, category, comment };
}
