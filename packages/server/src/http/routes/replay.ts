import { ErrorEnvelope, ReplayReport, ReplayRequest } from "@loopgate/core";
import { postReplay } from "../../app/policy-replay.ts";
import { readJson } from "../read-json.ts";
import type { RouteTable } from "../route-table.ts";

const errors = {
  400: {
    description: "Invalid input; a candidate policy's problems each carry their line and column",
    schema: ErrorEnvelope,
  },
  401: { description: "Missing or unknown key", schema: ErrorEnvelope },
  403: { description: "Only owners and auditors replay history", schema: ErrorEnvelope },
  404: { description: "No candidate given and no policy loaded", schema: ErrorEnvelope },
};

/** `POST /v1/policy/replay`: a candidate policy or threshold run over stored history (SPEC §5). */
export function replayRoutes(routes: RouteTable): void {
  routes.add(
    {
      method: "post",
      path: "/v1/policy/replay",
      summary:
        "Replay stored history under a candidate policy or threshold: route changes, automation rate and the error among newly automated proposals, per action type (owners, auditors)",
      tag: "policy",
      access: "authenticated",
      body: ReplayRequest,
      responses: { 200: { description: "The replay report", schema: ReplayReport }, ...errors },
    },
    async (c, principal) => c.json(await postReplay(c.var.deps, principal!, await readJson(c))),
  );
}
