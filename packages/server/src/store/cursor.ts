import type { AuditOrder } from "@loopgate/core";

/** Raised for a cursor that no list of this store produced; the HTTP layer answers it with a 400. */
export class InvalidCursorError extends Error {
  readonly code = "invalid_cursor";
  constructor(cursor: string) {
    super(`cursor ${JSON.stringify(cursor.slice(0, 40))} is not one this list returned`);
    this.name = "InvalidCursorError";
  }
}

/** Review pages are keyed by (due time, id), the order they are listed in. */
export function encodeReviewCursor(dueAt: string, id: string): string {
  return encode(["r", dueAt, id]);
}

export function decodeReviewCursor(cursor: string): { dueAt: string; id: string } {
  const value = decode(cursor);
  if (
    value.length === 3 &&
    value[0] === "r" &&
    typeof value[1] === "string" &&
    typeof value[2] === "string"
  ) {
    return { dueAt: value[1], id: value[2] };
  }
  throw new InvalidCursorError(cursor);
}

/**
 * Pages of held proposals are keyed by (created time, id), oldest first. A tag of their own, so a
 * cursor of a newest-first list keyed alike (an entity's proposals) is refused rather than read here.
 */
export function encodeHeldCursor(createdAt: string, id: string): string {
  return encode(["h", createdAt, id]);
}

export function decodeHeldCursor(cursor: string): { createdAt: string; id: string } {
  const value = decode(cursor);
  if (
    value.length === 3 &&
    value[0] === "h" &&
    typeof value[1] === "string" &&
    typeof value[2] === "string"
  ) {
    return { createdAt: value[1], id: value[2] };
  }
  throw new InvalidCursorError(cursor);
}

/** Pages of lifted stops are keyed by (lifted time, id), newest lifted first. */
export function encodeStopCursor(liftedAt: string, id: string): string {
  return encode(["s", liftedAt, id]);
}

export function decodeStopCursor(cursor: string): { liftedAt: string; id: string } {
  const value = decode(cursor);
  if (
    value.length === 3 &&
    value[0] === "s" &&
    typeof value[1] === "string" &&
    typeof value[2] === "string"
  ) {
    return { liftedAt: value[1], id: value[2] };
  }
  throw new InvalidCursorError(cursor);
}

/**
 * Audit pages are keyed by sequence number: the last entry listed. A newest-first cursor also names its
 * order, so it is refused by an oldest-first list (and the reverse) rather than read as the other
 * direction's bound, which would skip or repeat entries. Oldest-first cursors keep their first shape.
 */
export function encodeAuditCursor(seq: number, order: AuditOrder): string {
  return encode(order === "asc" ? ["a", seq] : ["a", seq, order]);
}

export function decodeAuditCursor(cursor: string, order: AuditOrder): number {
  const value = decode(cursor);
  const shape = order === "asc" ? value.length === 2 : value.length === 3 && value[2] === order;
  if (shape && value[0] === "a" && Number.isSafeInteger(value[1])) return value[1] as number;
  throw new InvalidCursorError(cursor);
}

function encode(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

function decode(cursor: string): unknown[] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value)) return value;
  } catch {
    // fall through: not one of ours
  }
  throw new InvalidCursorError(cursor);
}
