import {
  AutonomyChangeList,
  AutonomyChangeQuery,
  AutonomyList,
  AutonomyPromotion,
  AutonomyQuery,
  ErrorEnvelope,
  Outcome,
  OutcomeInput,
  OutcomeList,
  PromotionRequest,
} from "@loopgate/core";
import { approvePromotion, requestPromotion } from "../../app/autonomy-promotions.ts";
import { listAutonomy, listAutonomyChanges } from "../../app/autonomy-views.ts";
import { listOutcomes, recordOutcome } from "../../app/outcomes.ts";
import { readJson } from "../read-json.ts";
import type { RouteTable } from "../route-table.ts";

const errors = {
  400: { description: "Invalid input, with the field and what to do", schema: ErrorEnvelope },
  401: { description: "Missing or unknown key", schema: ErrorEnvelope },
  403: { description: "Not allowed for this role", schema: ErrorEnvelope },
};

/** Earned autonomy (SPEC §5) and outcomes (SPEC §6). */
export function autonomyRoutes(routes: RouteTable): void {
  routes.add(
    {
      method: "get",
      path: "/v1/autonomy",
      summary:
        "Per agent and action type: the autonomy stage in force, the evidence against the promotion criteria, the circuit breakers, a promotion waiting and the latest changes (owners, auditors)",
      tag: "autonomy",
      access: "authenticated",
      query: AutonomyQuery,
      responses: { 200: { description: "Autonomy per pair", schema: AutonomyList }, ...errors },
    },
    async (c, principal) => c.json(await listAutonomy(c.var.deps, principal!, c.req.query())),
  );
  routes.add(
    {
      method: "get",
      path: "/v1/autonomy/changes",
      summary: "Promotions and circuit-breaker demotions, newest first (owners, auditors)",
      tag: "autonomy",
      access: "authenticated",
      query: AutonomyChangeQuery,
      responses: { 200: { description: "A page of changes", schema: AutonomyChangeList }, ...errors },
    },
    async (c, principal) => c.json(await listAutonomyChanges(c.var.deps, principal!, c.req.query())),
  );
  routes.add(
    {
      method: "post",
      path: "/v1/autonomy/promotions",
      summary:
        "An owner asks to promote an agent on an action type (the evidence must meet the criteria); a different owner approves",
      tag: "autonomy",
      access: "authenticated",
      body: PromotionRequest,
      responses: {
        201: { description: "The promotion, waiting for a second owner", schema: AutonomyPromotion },
        ...errors,
        409: {
          description:
            "promotion_criteria_unmet (with the evidence and criteria), promotion_already_requested or no_higher_stage",
          schema: ErrorEnvelope,
        },
      },
    },
    async (c, principal) => c.json(await requestPromotion(c.var.deps, principal!, await readJson(c)), 201),
  );
  routes.add(
    {
      method: "post",
      path: "/v1/autonomy/promotions/:id/approve",
      summary: "A second owner puts a requested promotion in force as a new policy version",
      tag: "autonomy",
      access: "authenticated",
      responses: {
        200: { description: "The promotion, in force", schema: AutonomyPromotion },
        ...errors,
        404: { description: "No such promotion", schema: ErrorEnvelope },
        409: {
          description:
            "Not requested any more, the stage changed, or the evidence no longer meets the criteria",
          schema: ErrorEnvelope,
        },
      },
    },
    async (c, principal) => c.json(await approvePromotion(c.var.deps, principal!, c.req.param("id")!)),
  );
  routes.add(
    {
      method: "post",
      path: "/v1/proposals/:id/outcome",
      summary:
        "Record what happened after the action ran: fine, incident (feeds the incident breaker) or note (the proposing agent, reviewers, owners)",
      tag: "proposals",
      access: "authenticated",
      body: OutcomeInput,
      responses: {
        201: { description: "The outcome, recorded", schema: Outcome },
        ...errors,
        404: { description: "No such proposal", schema: ErrorEnvelope },
        409: { description: "An incident on an action that never ran", schema: ErrorEnvelope },
      },
    },
    async (c, principal) =>
      c.json(await recordOutcome(c.var.deps, principal!, c.req.param("id")!, await readJson(c)), 201),
  );
  routes.add(
    {
      method: "get",
      path: "/v1/proposals/:id/outcomes",
      summary: "The outcomes recorded for a proposal, oldest first",
      tag: "proposals",
      access: "authenticated",
      responses: {
        200: { description: "Outcomes", schema: OutcomeList },
        ...errors,
        404: { description: "No such proposal", schema: ErrorEnvelope },
      },
    },
    async (c, principal) => c.json(await listOutcomes(c.var.deps, principal!, c.req.param("id")!)),
  );
}
