import { assertNever } from "../proposal-status.ts";
import type { DecideInput, DecisionResult } from "../types.ts";
import { mergePatch, route } from "./fake-proposal.ts";
import { closeReview, FAKE_REVIEWER, openNewReview } from "./fake-reviews.ts";
import { pickRule } from "./fake-rules.ts";
import { clone, type Entry, type FakeState } from "./fake-state.ts";

/**
 * Routes a proposal (or its new revision) by the first matching rule: `auto`, `block` and `needs_info`
 * settle at once; every other verdict opens a review, and a reviewer's verdict from the rule is planned
 * to land after its `afterMs`.
 */
export function routeProposal(state: FakeState, entry: Entry): void {
  const p = entry.proposal;
  const { name, outcome } = pickRule(state.options, p);
  const message =
    ("message" in outcome ? outcome.message : undefined) ?? `fake rule ${name}: ${outcome.verdict}`;
  entry.planned = null;
  switch (outcome.verdict) {
    case "auto":
      p.route = route("auto", name, message, "threshold");
      p.status = "auto_approved";
      p.finalPayload = p.action.payload;
      return;
    case "block":
      p.route = route("block", name, message, "review_all");
      p.status = "blocked";
      return;
    case "needs_info":
      p.route = route("needs_info", name, message, "review_all");
      p.status = "needs_info";
      return;
    default:
      p.route = route("review", name, message, "review_all");
      p.status = "pending_review";
      openNewReview(state, entry, 0);
      if (outcome.verdict !== "review") entry.planned = { outcome, at: Date.now() + (outcome.afterMs ?? 0) };
      settle(state, entry);
  }
}

/** Lands a planned verdict whose time has come, and wakes the waiters when it did. */
export function settle(state: FakeState, entry: Entry): Entry {
  const planned = entry.planned;
  if (planned === null || Date.now() < planned.at || entry.review === null) return entry;
  entry.planned = null;
  const outcome = planned.outcome;
  switch (outcome.verdict) {
    case "expire":
      closeReview(entry, "expired");
      entry.proposal.status = "expired";
      break;
    case "edit": {
      const { payload } = entry.proposal.action;
      const edited =
        typeof outcome.payload === "function" ? outcome.payload(clone(payload)) : outcome.payload;
      applyDecision(state, entry, {
        verdict: "edit",
        payload: edited,
        category: outcome.category,
        comment: outcome.comment,
      });
      break;
    }
    case "approve":
    case "reject":
    case "request_info":
    case "handle_manually":
      applyDecision(state, entry, {
        verdict: outcome.verdict,
        category: "category" in outcome ? outcome.category : undefined,
        comment: outcome.comment,
      });
      break;
    default:
      break;
  }
  touch(state, entry);
  state.notify();
  return entry;
}

/**
 * Decides the proposal's open review as the fake reviewer, as `POST /v1/reviews/:id/decisions` would:
 * a 409 when there is no open review or the packet changed since it was shown.
 */
export function applyDecision(state: FakeState, entry: Entry, input: DecideInput): DecisionResult {
  const review = entry.review;
  const p = entry.proposal;
  if (review === null) throw state.conflict("already_decided", `proposal ${p.id} has no open review`, p);
  if (input.packetHash !== undefined && input.packetHash !== p.packetHash) {
    throw state.conflict(
      "stale_packet",
      `the packet of proposal ${p.id} changed since it was shown; reload it`,
      p,
    );
  }
  const payload =
    input.verdict !== "edit" ? null : (input.payload ?? mergePatch(p.action.payload, input.patch ?? {}));
  const decision = {
    id: state.id("d"),
    reviewId: review.id,
    proposalId: p.id,
    verdict: input.verdict,
    by: { ...FAKE_REVIEWER },
    at: state.now(),
    category: input.category ?? null,
    comment: input.comment ?? null,
    packetHash: input.packetHash ?? null,
    payload,
  };
  const { proposalId: _, ...view } = decision;
  p.decisions.push(view);
  switch (input.verdict) {
    case "approve":
    case "edit":
      review.approvalsGiven += 1;
      review.approvers.push({ ...FAKE_REVIEWER, at: decision.at });
      p.status = input.verdict === "edit" ? "approved_with_edits" : "approved";
      p.finalPayload = payload ?? p.action.payload;
      closeReview(entry, "decided");
      break;
    case "reject":
      p.status = "rejected";
      closeReview(entry, "decided");
      break;
    case "request_info":
      p.status = "needs_info";
      closeReview(entry, "decided");
      break;
    case "handle_manually":
      p.status = "handled_manually";
      closeReview(entry, "decided");
      break;
    case "escalate":
      closeReview(entry, "decided");
      openNewReview(state, entry, review.level + 1);
      p.status = "escalated";
      break;
    default:
      assertNever(input.verdict);
  }
  touch(state, entry);
  return {
    decision,
    proposalStatus: p.status,
    reviewStatus: review.status,
    approvalsGiven: review.approvalsGiven,
    approvalsRequired: review.approvalsRequired,
  };
}

/** Stamps the proposal as changed now. */
export function touch(state: FakeState, entry: Entry): void {
  entry.proposal.updatedAt = state.now();
}
