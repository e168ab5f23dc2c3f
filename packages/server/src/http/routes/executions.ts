import {
  ErrorEnvelope,
  ExecutionResult,
  GrantKey,
  LiftStopInput,
  listOf,
  RollbackInput,
  StopInput,
  StopQuery,
  StopView,
} from "@loopgate/core";
import { z } from "zod";
import { actorOf, requireRole } from "../../app/principal.ts";
import { requestRollback } from "../../app/rollback.ts";
import type { SigningKey } from "../../app/signing-key.ts";
import { createStop, liftStop, listStops } from "../../app/stops.ts";
import { readJson } from "../read-json.ts";
import type { RouteTable } from "../route-table.ts";

const errors = {
  400: { description: "Invalid input: `details.issues` names each field", schema: ErrorEnvelope },
  401: { description: "Missing or unknown key", schema: ErrorEnvelope },
  403: { description: "The role may not do this", schema: ErrorEnvelope },
};

/** Stops, rollbacks and the grant signing keys (SPEC §5, §6). */
export function executionRoutes(routes: RouteTable, signingKey: SigningKey): void {
  routes.add(
    {
      method: "post",
      path: "/v1/stops",
      summary:
        "Stop automation for an agent, an action type or everything (owners). When this answers, nothing in scope executes: queued executions are cancelled and new proposals are held",
      tag: "stops",
      access: "authenticated",
      body: StopInput,
      responses: {
        201: { description: "The stop, in force", schema: StopView },
        200: {
          description:
            "A stop with exactly this scope was already in force: that stop, `alreadyInForce: true`; nothing new is made or audited",
          schema: StopView,
        },
        ...errors,
      },
    },
    async (c, principal) => {
      const owner = requireRole(principal!, ["owner"]);
      const { stop, created } = await createStop(c.var.deps, actorOf(owner), await readJson(c));
      return c.json(stop, created ? 201 : 200);
    },
  );

  routes.add(
    {
      method: "get",
      path: "/v1/stops",
      summary:
        "The stops in force, oldest first (people of every role, read-only; not agents). ?state=lifted: the stops lifted, most recently lifted first, with who lifted them and when (owners and auditors)",
      tag: "stops",
      access: "authenticated",
      query: StopQuery,
      responses: {
        200: { description: "The stops in force, or the lifted ones", schema: listOf(StopView) },
        ...errors,
      },
    },
    async (c, principal) => c.json(await listStops(c.var.deps, principal!, c.req.query())),
  );

  routes.add(
    {
      method: "delete",
      path: "/v1/stops/:id",
      summary: "Lift a stop (owners): proposals it held are routed again",
      tag: "stops",
      access: "authenticated",
      body: LiftStopInput,
      responses: {
        200: { description: "The lifted stop", schema: StopView },
        ...errors,
        404: { description: "No such stop", schema: ErrorEnvelope },
        409: { description: "Already lifted", schema: ErrorEnvelope },
      },
    },
    async (c, principal) => {
      const owner = requireRole(principal!, ["owner"]);
      return c.json(await liftStop(c.var.deps, actorOf(owner), c.req.param("id")!, await readJson(c, {})));
    },
  );

  routes.add(
    {
      method: "post",
      path: "/v1/proposals/:id/rollback",
      summary:
        "Roll back an executed reversible action through the action type's rollback executor (owners and reviewers of its queue)",
      tag: "proposals",
      access: "authenticated",
      body: RollbackInput,
      responses: {
        202: { description: "The rollback, queued for delivery", schema: ExecutionResult },
        ...errors,
        404: { description: "No such proposal", schema: ErrorEnvelope },
        409: { description: "Not executed, or already rolled back", schema: ErrorEnvelope },
        422: {
          description: "The action type is irreversible or has no rollback executor",
          schema: ErrorEnvelope,
        },
      },
    },
    async (c, principal) => {
      const body = await readJson(c, {});
      return c.json(await requestRollback(c.var.deps, principal!, c.req.param("id")!, body), 202);
    },
  );

  const keys = {
    items: [
      {
        keyId: signingKey.keyId,
        algorithm: "Ed25519" as const,
        publicKey: Buffer.from(signingKey.publicKey).toString("base64"),
      },
    ],
  };
  routes.add(
    {
      method: "get",
      path: "/v1/keys/grants",
      summary: "The public keys that sign grants; check a grant with verifyGrant() from @loopgate/sdk",
      tag: "keys",
      access: "public",
      responses: {
        200: { description: "Grant signing keys", schema: z.object({ items: z.array(GrantKey) }) },
      },
    },
    async (c) => c.json(keys),
  );
}
