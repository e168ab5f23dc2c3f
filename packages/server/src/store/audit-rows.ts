import type { AuditEntry } from "@loopgate/core";
import { type DbRecord, fromJson, int, type SqlValue, text, textOrNull, toJson } from "./rows.ts";

/** The audit log's rows: its columns, an entry's values for them, and an entry read back. */

export const AUDIT_COLUMNS = [
  "workspace_id",
  "seq",
  "at",
  "actor_kind",
  "actor_id",
  "actor_name",
  "type",
  "proposal_id",
  "data",
  "prev_hash",
  "hash",
  "actor_via_kind",
  "actor_via_id",
] as const;

/**
 * An audit entry's column values; `dataText` is the data's JSON text when the caller has it (the
 * canonical JSON sealing serialised), else the data is serialised here.
 */
export function auditValues(workspaceId: string, entry: AuditEntry, dataText?: string): SqlValue[] {
  return [
    workspaceId,
    entry.seq,
    entry.at,
    entry.actor.kind,
    entry.actor.id,
    entry.actor.name,
    entry.type,
    entry.proposalId,
    dataText ?? toJson(entry.data),
    entry.prevHash,
    entry.hash,
    entry.actor.via?.kind ?? null,
    entry.actor.via?.id ?? null,
  ];
}

export function auditFromDb(r: DbRecord): AuditEntry {
  const kind = text(r.actor_kind) as AuditEntry["actor"]["kind"];
  const viaKind = textOrNull(r.actor_via_kind);
  return {
    seq: int(r.seq),
    at: text(r.at),
    // `via` only when recorded: the entry's hash covers exactly the fields it was sealed with.
    actor:
      viaKind === null
        ? { kind, id: text(r.actor_id), name: text(r.actor_name) }
        : {
            kind,
            id: text(r.actor_id),
            name: text(r.actor_name),
            via: { kind: viaKind as "key" | "session", id: text(r.actor_via_id) },
          },
    type: text(r.type),
    proposalId: textOrNull(r.proposal_id),
    data: fromJson(r.data),
    prevHash: text(r.prev_hash),
    hash: text(r.hash),
  };
}
