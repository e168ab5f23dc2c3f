import {
  CalibrationQuery,
  CalibrationReportList,
  ErrorEnvelope,
  Recommendation,
  RecommendationList,
  RecommendationQuery,
} from "@loopgate/core";
import { readCalibration } from "../../app/calibration-report.ts";
import {
  approveRecommendation,
  listRecommendations,
  requestRecommendation,
} from "../../app/recommendations.ts";
import type { RouteTable } from "../route-table.ts";

const errors = {
  400: { description: "Invalid query, with the field and what to do", schema: ErrorEnvelope },
  401: { description: "Missing or unknown key", schema: ErrorEnvelope },
  403: { description: "Only owners and auditors", schema: ErrorEnvelope },
};

const actionErrors = {
  401: errors[401],
  403: {
    description: "Not an owner, or (approve) the same owner who asked: code second_owner_required",
    schema: ErrorEnvelope,
  },
  404: { description: "No such recommendation", schema: ErrorEnvelope },
  409: {
    description:
      "Not proposed any more, already asked for, not asked for yet, or its calibration map was refitted",
    schema: ErrorEnvelope,
  },
};

/** The learning loop: `GET /v1/calibration` and threshold recommendations (SPEC §5, §6). */
export function learningRoutes(routes: RouteTable): void {
  routes.add(
    {
      method: "get",
      path: "/v1/calibration",
      summary:
        "Per agent and action type: reliability diagram, ECE and Brier score before and after calibration (owners, auditors)",
      tag: "learning",
      access: "authenticated",
      query: CalibrationQuery,
      responses: { 200: { description: "Calibration per pair", schema: CalibrationReportList }, ...errors },
    },
    async (c, principal) => c.json(await readCalibration(c.var.deps, principal!, c.req.query())),
  );
  routes.add(
    {
      method: "get",
      path: "/v1/recommendations",
      summary: "Threshold recommendations with their evidence, newest first (owners, auditors)",
      tag: "learning",
      access: "authenticated",
      query: RecommendationQuery,
      responses: { 200: { description: "A page of recommendations", schema: RecommendationList }, ...errors },
    },
    async (c, principal) => c.json(await listRecommendations(c.var.deps, principal!, c.req.query())),
  );
  routes.add(
    {
      method: "post",
      path: "/v1/recommendations/:id/apply",
      summary: "An owner asks to put a recommended threshold in force; a different owner approves it",
      tag: "learning",
      access: "authenticated",
      responses: {
        200: { description: "The recommendation, asked for", schema: Recommendation },
        ...actionErrors,
      },
    },
    async (c, principal) => c.json(await requestRecommendation(c.var.deps, principal!, c.req.param("id")!)),
  );
  routes.add(
    {
      method: "post",
      path: "/v1/recommendations/:id/approve",
      summary:
        "A second owner puts the threshold in force as a new policy version (thresholds.auto for the agent and action type)",
      tag: "learning",
      access: "authenticated",
      responses: {
        200: { description: "The recommendation, approved", schema: Recommendation },
        ...actionErrors,
      },
    },
    async (c, principal) => c.json(await approveRecommendation(c.var.deps, principal!, c.req.param("id")!)),
  );
}
