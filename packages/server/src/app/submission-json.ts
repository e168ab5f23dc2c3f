import type { Proposal } from "@loopgate/core";
import type { ProposalDoc } from "../store/store.ts";

/**
 * The fields a proposal's document and its view hold alike, in the order both list them: the packet,
 * the route, the signals and the confidence — most of the bytes of either.
 */
const SHARED = [
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
] as const satisfies readonly (keyof ProposalDoc & keyof Proposal)[];

const IS_SHARED: ReadonlySet<string> = new Set(SHARED);

/** A new proposal's document and its view as JSON text: the row's document and the 201's body. */
export interface SubmissionJson {
  doc: string;
  view: string;
}

/**
 * Serialises a new proposal's document and its view (the answer to the submission, kept for replays)
 * with their shared fields serialised once and spliced into both, which saves the event loop a second
 * pass over the packet on every submission. The view's text is exactly `JSON.stringify(view)` (a
 * replay answers it byte for byte); the document's parses to the document, shared fields first.
 *
 * When the view does not list the shared fields together and in this order, or holds other values
 * for them than the document (a masked view), each object is serialised on its own.
 *
 * @example
 * ```ts
 * const view = proposalView(row, [review], [], null);
 * const { doc, view: json } = submissionJson(row.doc, view);
 * JSON.parse(doc); // deep-equals row.doc
 * json === JSON.stringify(view); // true
 * ```
 */
export function submissionJson(doc: ProposalDoc, view: Proposal): SubmissionJson {
  const viewKeys = Object.keys(view);
  const first = viewKeys.indexOf(SHARED[0]);
  const fits = first >= 0 && SHARED.every((key, i) => viewKeys[first + i] === key && view[key] === doc[key]);
  if (!fits) return { doc: JSON.stringify(doc), view: JSON.stringify(view) };

  const shared: Record<string, unknown> = {};
  for (const key of SHARED) shared[key] = doc[key];
  const middle = inner(shared);
  const docRest: Record<string, unknown> = {};
  for (const key of Object.keys(doc)) if (!IS_SHARED.has(key)) docRest[key] = doc[key as keyof ProposalDoc];
  const head: Record<string, unknown> = {};
  const tail: Record<string, unknown> = {};
  viewKeys.forEach((key, i) => {
    if (i < first) head[key] = view[key as keyof Proposal];
    else if (i >= first + SHARED.length) tail[key] = view[key as keyof Proposal];
  });
  return {
    doc: braced(middle, inner(docRest)),
    view: braced(inner(head), middle, inner(tail)),
  };
}

/** An object's JSON text without its braces ("" for no fields). */
function inner(fields: Record<string, unknown>): string {
  return JSON.stringify(fields).slice(1, -1);
}

function braced(...parts: string[]): string {
  return `{${parts.filter((part) => part !== "").join(",")}}`;
}
