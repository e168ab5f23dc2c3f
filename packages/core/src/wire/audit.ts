import { z } from "zod";
import { Actor, JsonObject, Page, Timestamp } from "./common.ts";

/**
 * One hash-chained audit entry. `hash` is SHA-256 (hex) over the canonical JSON of the entry without
 * `hash`, which includes `prevHash`; the first entry's `prevHash` is 64 zeros.
 */
export const AuditEntry = z.object({
  seq: z.number().int().min(1),
  at: Timestamp,
  actor: Actor,
  type: z.string(),
  proposalId: z.string().nullable(),
  data: JsonObject,
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** An audit entry before the store gives it its place in the chain. */
export const AuditDraft = AuditEntry.omit({ seq: true, prevHash: true, hash: true });
export type AuditDraft = z.infer<typeof AuditDraft>;

/** A signed statement of the chain head: Ed25519 over `loopgate-checkpoint:v1:<seq>:<hash>:<at>`. */
export const AuditCheckpoint = z.object({
  seq: z.number().int().min(0),
  hash: z.string(),
  at: Timestamp,
  keyId: z.string(),
  publicKey: z.string().describe("base64 raw Ed25519 public key"),
  signature: z.string().describe("base64 Ed25519 signature"),
});
export type AuditCheckpoint = z.infer<typeof AuditCheckpoint>;

/**
 * The order of an audit list: `asc`, oldest first, is the chain's own order (an export, a verifier);
 * `desc`, newest first, is how a person reads a log. A page's cursor continues in the order it was
 * listed in (`desc`: the next page holds older entries).
 */
export const AuditOrder = z.enum(["asc", "desc"]);
export type AuditOrder = z.infer<typeof AuditOrder>;

/**
 * Query of `GET /v1/audit`. Strict: a filter the log does not know (`actor=…`) is refused, never
 * ignored — an auditor would read the unfiltered log as the filtered one.
 */
export const AuditQuery = z.strictObject({
  ...Page.shape,
  proposalId: z.string().max(100).optional(),
  since: Timestamp.optional(),
  until: Timestamp.optional(),
  type: z.string().max(100).optional(),
  order: AuditOrder.default("asc"),
});
export type AuditQuery = z.infer<typeof AuditQuery>;
