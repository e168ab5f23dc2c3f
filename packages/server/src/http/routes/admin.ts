import {
  AuditCheckpoint,
  AuditEntry,
  AuditQuery,
  ErrorEnvelope,
  listOf,
  PolicyInput,
  PolicyQuery,
  PolicyVersionView,
} from "@loopgate/core";
import { z } from "zod";
import { auditCheckpoint, listAudit } from "../../app/audit-read.ts";
import { listActions, putPolicy, readPolicy } from "../../app/policy-admin.ts";
import type { SigningKey } from "../../app/signing-key.ts";
import { readJson } from "../read-json.ts";
import type { RouteTable } from "../route-table.ts";

const errors = {
  400: {
    description: "Invalid input; for a policy each problem carries its line and column",
    schema: ErrorEnvelope,
  },
  401: { description: "Missing or unknown key", schema: ErrorEnvelope },
  403: { description: "The role may not do this", schema: ErrorEnvelope },
};

const ActionList = z.object({
  policyVersion: z.number().int(),
  items: z.array(
    z.object({
      type: z.string(),
      description: z.string().nullable(),
      reversible: z.union([z.boolean(), z.literal("compensate")]),
      payloadSchema: z.unknown(),
      executeVia: z.string(),
      autonomy: z.string(),
      queue: z.string(),
      approvals: z.number().int(),
      mcpTool: z.string().nullable(),
      mcpServer: z.string().nullable(),
    }),
  ),
  categories: z.array(z.string()),
});

export function adminRoutes(routes: RouteTable, signingKey: SigningKey): void {
  routes.add(
    {
      method: "get",
      path: "/v1/policy",
      summary: "The active policy version and its text; ?version=N a stored earlier version",
      tag: "policy",
      access: "authenticated",
      query: PolicyQuery,
      responses: {
        200: { description: "The active policy, or the version asked for", schema: PolicyVersionView },
        ...errors,
      },
    },
    async (c, principal) => c.json(await readPolicy(c.var.deps, principal!, c.req.query())),
  );
  routes.add(
    {
      method: "put",
      path: "/v1/policy",
      summary: "Load a new policy version (owners); validated first, versioned and audited",
      tag: "policy",
      access: "authenticated",
      body: PolicyInput,
      responses: { 200: { description: "The version now in force", schema: PolicyVersionView }, ...errors },
    },
    async (c, principal) => c.json(await putPolicy(c.var.deps, principal!, await readJson(c))),
  );
  routes.add(
    {
      method: "get",
      path: "/v1/actions",
      summary: "The action types of the active policy with their payload schemas (agents may read this)",
      tag: "policy",
      access: "authenticated",
      responses: { 200: { description: "Action types", schema: ActionList }, ...errors },
    },
    (c) => c.json(listActions(c.var.deps)),
  );
  routes.add(
    {
      method: "get",
      path: "/v1/audit",
      summary: "Audit entries, oldest first or (order=desc) newest first (owners and auditors)",
      tag: "audit",
      access: "authenticated",
      query: AuditQuery,
      responses: { 200: { description: "A page of entries", schema: listOf(AuditEntry) }, ...errors },
    },
    async (c, principal) => c.json(await listAudit(c.var.deps, principal!, c.req.query())),
  );
  routes.add(
    {
      method: "get",
      path: "/v1/audit/checkpoint",
      summary: "A signed checkpoint (Ed25519) over the chain head, to verify an export against",
      tag: "audit",
      access: "authenticated",
      responses: { 200: { description: "The checkpoint", schema: AuditCheckpoint }, ...errors },
    },
    async (c, principal) => c.json(await auditCheckpoint(c.var.deps, principal!, signingKey)),
  );
}
