import { z } from "zod";
import { ActionTypeName, Role, Timestamp } from "./common.ts";

/** Body of `PUT /v1/policy`: the policy YAML text. */
export const PolicyInput = z.strictObject({
  text: z.string().min(1).max(1_000_000),
});
export type PolicyInput = z.infer<typeof PolicyInput>;

/** A stored policy version (`GET /v1/policy`). */
export const PolicyVersionView = z.object({
  version: z.number().int(),
  text: z.string(),
  hash: z.string(),
  createdAt: Timestamp,
  createdBy: z.string(),
});
export type PolicyVersionView = z.infer<typeof PolicyVersionView>;

/**
 * Query of `GET /v1/policy`: without `version`, the version in force; with it, that stored version —
 * what an auditor needs to see which rules applied to an entry that names its `policyVersion`.
 */
export const PolicyQuery = z.strictObject({
  version: z.coerce.number().int().min(1).optional(),
});
export type PolicyQuery = z.infer<typeof PolicyQuery>;

/** An API key as listed (never with its secret). */
export const ApiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  actions: z.array(ActionTypeName).nullable(),
  createdAt: Timestamp,
  expiresAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;
