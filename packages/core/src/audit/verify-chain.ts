import { type AuditCheckpoint, AuditEntry } from "../wire/audit.ts";
import { type CheckpointTrust, checkpointProblem } from "./checkpoint.ts";
import { GENESIS_HASH } from "./hash.ts";
import { auditEntryHash } from "./seal-audit-entry.ts";

/**
 * The verdict on an audit export. On success, `head` is the last entry (null for an empty export) and
 * `checkpoint` says whether a signed checkpoint vouched for the chain or only its internal consistency
 * was checked. On failure, `seq` and `line` (1-based position in the export) name the first bad entry;
 * `seq` is null when the problem is not an entry's (a bad checkpoint, an unreadable `seq`). For an
 * export that ends before the checkpointed entry (made before the checkpoint, or cut short: the entries
 * cannot tell which) the first bad entry is the first missing one: `seq` is the entry the checkpoint
 * still expected and `line` the line where it should have been (one past the export's last).
 */
export type ChainVerification =
  | { ok: true; count: number; head: { seq: number; hash: string } | null; checkpoint: "verified" | "absent" }
  | { ok: false; seq: number | null; line: number; reason: string };

/** Options of {@link verifyAuditChain}. */
export interface ChainVerificationOptions extends CheckpointTrust {
  /** A signed checkpoint the export must reach and agree with. */
  checkpoint?: AuditCheckpoint;
  /**
   * The entry just before the export, for an export that does not start at the genesis: the first
   * entry must then be `after.seq + 1` and link to `after.hash`.
   */
  after?: { seq: number; hash: string };
}

const ENTRY_FIELDS = new Set(["seq", "at", "actor", "type", "proposalId", "data", "prevHash", "hash"]);
const ACTOR_FIELDS = new Set(["kind", "id", "name", "via"]);
const VIA_FIELDS = new Set(["kind", "id"]);

/**
 * Checks an audit export: each entry's shape, `seq` contiguity, the `prevHash` links, each recomputed
 * hash and, with a checkpoint, its signature and that the export reaches the checkpointed entry with
 * the signed hash (which detects truncation and a rewritten history). Stops at the first bad entry
 * and says plainly what is wrong with it. Reads the entries once, keeping only the previous hash, so an
 * export of any length verifies in constant memory.
 *
 * An entry may be given as the parsed object or as its JSON text (one line of a JSONL export).
 *
 * @example
 * ```ts
 * const result = verifyAuditChain(text.split("\n").filter(Boolean), { checkpoint });
 * if (!result.ok) console.error(`line ${result.line}: ${result.reason}`);
 * ```
 */
export function verifyAuditChain(
  entries: Iterable<unknown>,
  options: ChainVerificationOptions = {},
): ChainVerification {
  const { checkpoint, after } = options;
  if (checkpoint !== undefined) {
    const problem = checkpointProblem(checkpoint, options);
    if (problem !== null) return { ok: false, seq: null, line: 0, reason: problem };
  }
  let expectedSeq = after === undefined ? 1 : after.seq + 1;
  let prevHash = after === undefined ? GENESIS_HASH : after.hash;
  let line = 0;
  let head: { seq: number; hash: string } | null = null;
  // A checkpoint at or before the export's start can only be matched against what precedes it: the
  // genesis for seq 0, or the `after` entry the caller vouches for.
  let checkpointMet = false;
  if (checkpoint !== undefined && checkpoint.seq < expectedSeq) {
    if (checkpoint.seq !== expectedSeq - 1 || checkpoint.hash !== prevHash) {
      const where = checkpoint.seq === 0 ? "an empty chain" : `entry ${checkpoint.seq}`;
      const reason = `the checkpoint covers ${where}, which does not match where this export starts`;
      return { ok: false, seq: null, line: 0, reason };
    }
    checkpointMet = true;
  }

  for (const item of entries) {
    line += 1;
    const entry = readEntry(item);
    if (typeof entry === "string") {
      const seq = rawSeq(item);
      return {
        ok: false,
        seq,
        line,
        reason: `${seq === null ? "" : `entry ${seq}, `}line ${line}: ${entry}`,
      };
    }
    const { seq } = entry;
    if (seq !== expectedSeq) {
      const what = seq < expectedSeq ? "a repeated or out-of-order entry" : `entry ${expectedSeq} is missing`;
      return { ok: false, seq, line, reason: `entry ${seq}: expected entry ${expectedSeq} here (${what})` };
    }
    if (entry.prevHash !== prevHash) {
      const previous = seq === 1 ? "the genesis hash (64 zeros)" : `entry ${seq - 1}'s hash`;
      return { ok: false, seq, line, reason: `entry ${seq}: prevHash does not match ${previous}` };
    }
    if (auditEntryHash(entry) !== entry.hash) {
      return {
        ok: false,
        seq,
        line,
        reason: `entry ${seq}: hash does not match its content (the entry was changed)`,
      };
    }
    if (checkpoint !== undefined && seq === checkpoint.seq) {
      if (entry.hash !== checkpoint.hash) {
        return {
          ok: false,
          seq,
          line,
          reason: `entry ${seq}: hash differs from the signed checkpoint (the chain was rewritten at or before this entry)`,
        };
      }
      checkpointMet = true;
    }
    prevHash = entry.hash;
    head = { seq, hash: entry.hash };
    expectedSeq += 1;
  }

  if (checkpoint !== undefined && !checkpointMet) {
    const last = expectedSeq - 1;
    const ends = head === null ? "the export is empty" : `the export ends at entry ${last}`;
    return {
      ok: false,
      seq: expectedSeq,
      line: line + 1,
      // Nothing in the entries tells an export made before the checkpoint from one that lost its end.
      reason: `${ends} but the checkpoint covers up to entry ${checkpoint.seq}: entries ${expectedSeq}–${checkpoint.seq} are not in it (an export older than the checkpoint, or one cut short)`,
    };
  }
  return { ok: true, count: line, head, checkpoint: checkpoint === undefined ? "absent" : "verified" };
}

/** The entry, or why it is unreadable. */
function readEntry(item: unknown): AuditEntry | string {
  let value = item;
  if (typeof item === "string") {
    try {
      value = JSON.parse(item);
    } catch {
      return "not valid JSON";
    }
  }
  const parsed = AuditEntry.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join(".") || "entry";
    return `not an audit entry (${path}: ${issue?.message ?? "invalid"})`;
  }
  // Fields outside the hash could be added or changed without detection, so an export may not carry any.
  const extra = Object.keys(value as object).find((key) => !ENTRY_FIELDS.has(key));
  const actorExtra = extraActorField(value);
  if (extra !== undefined || actorExtra !== undefined) {
    return `field "${extra ?? `actor.${actorExtra}`}" is not covered by the hash (the entry was changed)`;
  }
  return parsed.data;
}

function extraActorField(value: unknown): string | undefined {
  const actor = (value as { actor: { via?: object } }).actor;
  const extra = Object.keys(actor).find((key) => !ACTOR_FIELDS.has(key));
  if (extra !== undefined || actor.via === undefined) return extra;
  const viaExtra = Object.keys(actor.via).find((key) => !VIA_FIELDS.has(key));
  return viaExtra === undefined ? undefined : `via.${viaExtra}`;
}

/** The entry's `seq` when it is at least readable, to name it in the failure. */
function rawSeq(item: unknown): number | null {
  let value = item;
  if (typeof item === "string") {
    try {
      value = JSON.parse(item);
    } catch {
      return null;
    }
  }
  const seq = (value as { seq?: unknown } | null)?.seq;
  return typeof seq === "number" && Number.isSafeInteger(seq) ? seq : null;
}
