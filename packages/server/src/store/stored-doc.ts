import type { ProposalDoc, ProposalRow } from "./core-rows.ts";

/**
 * How a proposal's document is stored: a new proposal's packet is kept once, not twice.
 *
 * A submission is answered with the proposal's view (`response`, kept for idempotent replays), and
 * that view repeats the document's packet fields verbatim — action, request, evidence, route,
 * signals… — about 1.5 KB of the ~4 KB the row would hold. So a new row whose response repeats its
 * document ({@link ProposalRow.responseRepeatsDoc}) stores only the rest of the document (a few
 * dozen bytes: the execution counter, the agent's name, the `traceparent`) under a marker, and reads
 * put the document back together from both columns. The first update that changes the document
 * writes it whole; the response never changes. On SQLite this keeps a proposal row under a page, so
 * it no longer spills into an overflow page, and a submission writes about a fifth fewer WAL frames.
 *
 * SQL that reads inside the document uses {@link docSource} for the repeated fields.
 */

/**
 * The document fields a submission's response holds verbatim (`proposalView` with no viewer), in
 * the stored marker's version 1. A field can be added here only under a new marker version: rows
 * already written list the fields of their version.
 */
const RESPONSE_FIELDS_V1 = [
  "revision",
  "action",
  "finalPayload",
  "request",
  "summary",
  "evidence",
  "toolCalls",
  "context",
  "alternatives",
  "rollbackPlan",
  "route",
  "signals",
  "confidence",
  "info",
  "linkedTo",
] as const;

/** A document field kept in the response of a new proposal. */
export type ResponseDocField = (typeof RESPONSE_FIELDS_V1)[number];

const IN_RESPONSE = new Set<string>(RESPONSE_FIELDS_V1);
/** The marker key of a stored document whose repeated fields are in the response. */
const MARKER = "$response";
/** How a marked document's JSON text starts (the marker is written first), for SQLite's test. */
const MARKED_PREFIX = `{"${MARKER}":`;

/**
 * The JSON text to store for a proposal's document: the whole document, or for a new row whose
 * response repeats it, the marker and the fields the response does not hold.
 *
 * @example
 * ```ts
 * storedDocText({ ...row, responseRepeatsDoc: true });
 * // '{"$response":1,"execution":{"attempts":0},"agentName":"support-bot"}'
 * ```
 */
export function storedDocText(row: Pick<ProposalRow, "doc" | "response" | "responseRepeatsDoc">): string {
  if (row.responseRepeatsDoc !== true || typeof row.response !== "string") return JSON.stringify(row.doc);
  const rest: Record<string, unknown> = { [MARKER]: 1 };
  for (const [field, value] of Object.entries(row.doc)) {
    if (!IN_RESPONSE.has(field)) rest[field] = value;
  }
  return JSON.stringify(rest);
}

/**
 * A proposal's document from its stored columns: `doc` as the driver returned it (parsed), and the
 * response text, from which a marked document takes its repeated fields.
 *
 * @throws when a document is marked but its row has no response (a damaged row).
 */
export function docFromStored(stored: Record<string, unknown>, response: string | null): ProposalDoc {
  if (!(MARKER in stored)) return stored as unknown as ProposalDoc;
  if (response === null) throw new Error("a proposal's document refers to a response its row lacks");
  const view = JSON.parse(response) as Record<string, unknown>;
  const doc: Record<string, unknown> = {};
  for (const field of RESPONSE_FIELDS_V1) {
    if (view[field] !== undefined) doc[field] = view[field];
  }
  for (const [field, value] of Object.entries(stored)) {
    if (field !== MARKER) doc[field] = value;
  }
  return doc as unknown as ProposalDoc;
}

/**
 * The SQL expression of the JSON that holds `field` of a proposal's document: the document, or for
 * a marked one, the response. The field's path is then read from it as from the document.
 *
 * @example
 * ```ts
 * `json_extract(${docSource("sqlite", "route")}, '$.route.verdict')`
 * ```
 */
export function docSource(engine: "sqlite" | "postgres", field: string, table = ""): string {
  const column = (name: string) => (table === "" ? name : `${table}.${name}`);
  if (!IN_RESPONSE.has(field)) return column("doc");
  return engine === "sqlite"
    ? `(CASE WHEN substr(${column("doc")}, 1, ${MARKED_PREFIX.length}) = '${MARKED_PREFIX}' THEN ${column("response")} ELSE ${column("doc")} END)`
    : `(CASE WHEN ${column("doc")} -> '${MARKER}' IS NOT NULL THEN ${column("response")}::jsonb ELSE ${column("doc")} END)`;
}
