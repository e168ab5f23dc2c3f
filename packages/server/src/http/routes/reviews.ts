import {
  ClaimInput,
  ClaimNextInput,
  ClaimNextResult,
  DecisionInput,
  DecisionResult,
  ErrorEnvelope,
  listOf,
  ReviewItem,
  ReviewListItem,
  ReviewQuery,
} from "@loopgate/core";
import { claimReview, releaseReview } from "../../app/claim.ts";
import { claimNextReview } from "../../app/claim-next.ts";
import { decide } from "../../app/decide.ts";
import { listReviews } from "../../app/list-reviews.ts";
import { isReconciliation, reconcile } from "../../app/reconcile.ts";
import type { RouteTable } from "../route-table.ts";

const errors = {
  400: { description: "Invalid input, with field paths", schema: ErrorEnvelope },
  401: { description: "Missing or unknown key", schema: ErrorEnvelope },
  403: {
    description: "Not allowed: agents never decide; queue not worked; same approver twice",
    schema: ErrorEnvelope,
  },
  404: { description: "No such review", schema: ErrorEnvelope },
  409: {
    description:
      "Decided by someone else first (details hold the winning decision), cancelled, claimed by someone else, or stale packet",
    schema: ErrorEnvelope,
  },
};

export function reviewRoutes(routes: RouteTable): void {
  routes.direct(
    {
      method: "get",
      path: "/v1/reviews",
      summary:
        "The caller's queue: without a status filter, reviews still waiting (pending and escalated), oldest due first. Each item's `reconciliation` says whether it settles an execution (decide mark_executed, mark_failed or retry) or is a review of a proposal (null)",
      tag: "reviews",
      access: "authenticated",
      query: ReviewQuery,
      responses: { 200: { description: "A page of reviews", schema: listOf(ReviewListItem) }, ...errors },
    },
    async (req, principal) => ({ status: 200, body: await listReviews(req.deps, principal, req.query()) }),
  );

  routes.direct(
    {
      method: "post",
      path: "/v1/reviews/claim-next",
      summary:
        "Claim the next review waiting in your queues (or in `queue`), earliest due first, skipping reviews others hold and reviews you approved; answers it with its packet, or nulls when nothing can be taken",
      tag: "reviews",
      access: "authenticated",
      body: ClaimNextInput,
      responses: {
        200: {
          description: "The review now claimed by you and its packet (both null: nothing to take)",
          schema: ClaimNextResult,
        },
        ...errors,
      },
    },
    async (req, principal) => ({
      status: 200,
      body: await claimNextReview(req.deps, principal, await req.json({})),
    }),
  );

  routes.direct(
    {
      method: "post",
      path: "/v1/reviews/:id/claim",
      summary:
        "Take a review for a while (a lease); claiming again extends it. Refused (403 `already_approved`) to someone who already approved it: it waits for another approver",
      tag: "reviews",
      access: "authenticated",
      body: ClaimInput,
      responses: { 200: { description: "The claimed review", schema: ReviewItem }, ...errors },
    },
    async (req, principal) => ({
      status: 200,
      body: await claimReview(req.deps, principal, req.param("id"), await req.json({})),
    }),
  );

  routes.direct(
    {
      method: "post",
      path: "/v1/reviews/:id/release",
      summary: "Give a claimed review back to the queue",
      tag: "reviews",
      access: "authenticated",
      responses: { 200: { description: "The released review", schema: ReviewItem }, ...errors },
    },
    async (req, principal) => ({
      status: 200,
      body: await releaseReview(req.deps, principal, req.param("id")),
    }),
  );

  routes.direct(
    {
      method: "post",
      path: "/v1/reviews/:id/decisions",
      summary:
        "Decide: approve, edit, reject, escalate, request_info or handle_manually; on a reconciliation review mark_executed, mark_failed or retry (body ReconcileInput, answer ExecutionResult). Every verb honours another person's claim (409 `claimed_by_other`); an execution settled on another review of the proposal cancels its own reconciliation review in the same commit",
      tag: "reviews",
      access: "authenticated",
      body: DecisionInput,
      responses: {
        201: { description: "The decision and where the proposal now stands", schema: DecisionResult },
        ...errors,
        410: {
          description: "The review passed its due time and its on-expiry rule was applied",
          schema: ErrorEnvelope,
        },
        422: { description: "An edited payload still holds a masked value", schema: ErrorEnvelope },
      },
    },
    async (req, principal) => {
      const body = await req.json();
      const id = req.param("id");
      if (isReconciliation(body))
        return { status: 201, body: await reconcile(req.deps, principal, id, body) };
      return { status: 201, body: await decide(req.deps, principal, id, body) };
    },
  );
}
