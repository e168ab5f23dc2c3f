import {
  ErrorEnvelope,
  JudgementInput,
  ReviewActivity,
  ReviewActivityInput,
  VigilanceQuery,
  VigilanceReport,
} from "@loopgate/core";
import { recordActivity, recordJudgement } from "../../app/review-activity.ts";
import { readVigilance } from "../../app/vigilance.ts";
import { readJson } from "../read-json.ts";
import type { RouteTable } from "../route-table.ts";

const errors = {
  400: { description: "Invalid input, with field paths", schema: ErrorEnvelope },
  401: { description: "Missing or unknown key", schema: ErrorEnvelope },
  403: { description: "The role may not do this, or the queue is not worked", schema: ErrorEnvelope },
};

/**
 * Reviewer vigilance (SPEC §5): the report for owners and auditors, and what the reviewer app reports
 * while a packet is open — the evidence shown, and a blind review's first judgement.
 */
export function vigilanceRoutes(routes: RouteTable): void {
  routes.add(
    {
      method: "get",
      path: "/v1/vigilance",
      summary:
        "Per reviewer: dwell against packet length, approvals without evidence, streaks, override band, canary catch rate (owners, auditors)",
      tag: "metrics",
      access: "authenticated",
      query: VigilanceQuery,
      responses: { 200: { description: "The window's vigilance", schema: VigilanceReport }, ...errors },
    },
    async (c, principal) => c.json(await readVigilance(c.var.deps, principal!, c.req.query())),
  );
  routes.add(
    {
      method: "post",
      path: "/v1/reviews/:id/activity",
      summary:
        "Report that the packet was opened or its evidence shown (the reviewer app calls this); not audited",
      tag: "reviews",
      access: "authenticated",
      body: ReviewActivityInput,
      responses: {
        200: { description: "What is on record for the caller and this review", schema: ReviewActivity },
        404: { description: "No such review", schema: ErrorEnvelope },
        ...errors,
      },
    },
    async (c, principal) =>
      c.json(await recordActivity(c.var.deps, principal!, c.req.param("id")!, await readJson(c))),
  );
  routes.add(
    {
      method: "post",
      path: "/v1/reviews/:id/judgement",
      summary:
        "Record a first judgement on a blind review; the agent's recommendation and confidence are shown after it",
      tag: "reviews",
      access: "authenticated",
      body: JudgementInput,
      responses: {
        200: { description: "What is on record for the caller and this review", schema: ReviewActivity },
        404: { description: "No such review", schema: ErrorEnvelope },
        409: { description: "Already judged, or the review is closed", schema: ErrorEnvelope },
        422: { description: "The review's queue is not blind", schema: ErrorEnvelope },
        ...errors,
      },
    },
    async (c, principal) =>
      c.json(await recordJudgement(c.var.deps, principal!, c.req.param("id")!, await readJson(c))),
  );
}
