import { z } from "zod";
import { parseDuration } from "../policy/duration.ts";
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
 * The longest duration a `since` may reach back: a century, far inside the range of a JavaScript date
 * (a longer one would name no representable time).
 */
const MAX_SINCE_MS = 100 * 365 * 86_400_000;

/** Whether `text` is a duration that {@link AuditSince} accepts. */
function isSinceDuration(text: string): boolean {
  if (!/^\d/.test(text)) return false;
  try {
    return parseDuration(text) <= MAX_SINCE_MS;
  } catch {
    return false;
  }
}

/**
 * The start of an audit window: an ISO 8601 timestamp with its offset, or a duration back from now
 * (`15m`, `24h`, `7d`, `1h30m`) that the server resolves against its own clock when it reads the query
 * (with `resolveSince`, as `loopgate policy replay --since` does).
 */
export const AuditSince = z
  .string()
  .refine((text) => Timestamp.safeParse(text).success || isSinceDuration(text), {
    message:
      "must be an ISO 8601 timestamp such as 2026-11-01T09:00:00Z, or a duration back from now such as 15m, 24h or 7d",
  })
  .describe("an ISO 8601 timestamp, or a duration back from now: 15m, 24h, 7d, 1h30m");
export type AuditSince = z.infer<typeof AuditSince>;

/**
 * Query of `GET /v1/audit`. Strict: a filter the log does not know (`actor=…`) is refused, never
 * ignored — an auditor would read the unfiltered log as the filtered one.
 */
export const AuditQuery = z.strictObject({
  ...Page.shape,
  proposalId: z.string().max(100).optional(),
  since: AuditSince.optional(),
  until: Timestamp.optional(),
  type: z.string().max(100).optional(),
  order: AuditOrder.default("asc"),
});
export type AuditQuery = z.infer<typeof AuditQuery>;
