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
 * The longest duration a `since` or `until` may reach back: a century (`36500d`), far inside the range
 * of a JavaScript date (a longer one would name no representable time).
 */
const MAX_BACK_MS = 100 * 365 * 86_400_000;

/** What a bad `since` or `until` must be instead, in the words of the 400 that refuses it. */
const AUDIT_TIME_FORMS =
  "must be an ISO 8601 timestamp such as 2026-11-01T09:00:00Z, a date such as 2026-11-01 (its start, UTC), or a duration back from now such as 15m, 24h or 7d";

/** A plain calendar date, `2026-12-02`, that names a real day (read as its start, UTC). */
function isPlainDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const time = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(time.getTime()) && time.toISOString().startsWith(text);
}

/**
 * Refuses what is not an audit time: checks a duration's size apart from its form, so that `99999999d`
 * says it is too large rather than that it is no duration.
 */
function checkAuditTime(text: string, ctx: z.RefinementCtx): void {
  if (Timestamp.safeParse(text).success || isPlainDate(text)) return;
  if (!/^(\d+(ms|d|h|m|s))+$/.test(text)) {
    ctx.addIssue({ code: "custom", message: AUDIT_TIME_FORMS });
    return;
  }
  let ms: number | null = null;
  try {
    ms = parseDuration(text);
  } catch {
    // Units out of order (`30m1h`), or more milliseconds than a number holds exactly: told apart below.
  }
  if (ms !== null && ms <= MAX_BACK_MS) return;
  ctx.addIssue({
    code: "custom",
    message:
      ms !== null || isOrderedDuration(text)
        ? "is too large a duration: reach back at most 100 years (36500d), or give an ISO 8601 timestamp"
        : `${AUDIT_TIME_FORMS} (a duration's units go largest first, each once, e.g. 1h30m)`,
  });
}

/** Whether a duration's units come largest first, each once (its number may still be too large). */
function isOrderedDuration(text: string): boolean {
  const order = ["d", "h", "m", "s", "ms"];
  let last = -1;
  for (const [, , unit] of text.matchAll(/(\d+)(ms|d|h|m|s)/g)) {
    const index = order.indexOf(unit!);
    if (index <= last) return false;
    last = index;
  }
  return true;
}

/**
 * An end of an audit window: an ISO 8601 timestamp with its offset, a plain date (`2026-11-01`, its
 * start in UTC), or a duration back from now (`15m`, `24h`, `7d`, `1h30m`, at most a century) that the
 * server resolves against its own clock when it reads the query (with `resolveSince`, as
 * `loopgate policy replay --since` does).
 */
export const AuditTime = z
  .string()
  .superRefine(checkAuditTime)
  .describe(
    "an ISO 8601 timestamp, a date (its start, UTC), or a duration back from now: 15m, 24h, 7d, 1h30m",
  );
export type AuditTime = z.infer<typeof AuditTime>;

/** The start of an audit window (inclusive): an {@link AuditTime}. */
export const AuditSince = AuditTime;
export type AuditSince = AuditTime;

/**
 * Query of `GET /v1/audit`. Strict: a filter the log does not know (`actor=…`) is refused, never
 * ignored — an auditor would read the unfiltered log as the filtered one.
 */
export const AuditQuery = z.strictObject({
  ...Page.shape,
  proposalId: z.string().max(100).optional(),
  since: AuditTime.optional().describe(
    "the window's start (inclusive): an ISO 8601 timestamp, a date (its start, UTC), or a duration back from now: 15m, 24h, 7d",
  ),
  until: AuditTime.optional().describe(
    "the window's end (inclusive), in the same forms as since: 2026-11-01T18:00:00Z, 2026-11-02, 1h",
  ),
  type: z.string().max(100).optional(),
  order: AuditOrder.default("asc"),
});
export type AuditQuery = z.infer<typeof AuditQuery>;
