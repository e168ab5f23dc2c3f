import { docJson, withDocText } from "./rows.ts";
import type { Change, ProposalDoc, Write } from "./store.ts";

/**
 * How a batch of changes crosses to the embedded store's writer thread (sqlite-writer.ts) with its
 * proposal documents and responses as strings of their own.
 *
 * A batch crosses as one JSON text, but a proposal's document (~2 KB) and its response (~2.5 KB of
 * JSON text) are most of a submission's bytes, and in one JSON text the writer would parse the document
 * only to serialise it again for its column, and the response would be escaped on the way in and
 * unescaped on the way out. So each document is serialised once, on the event loop (or not at all when
 * it already carries its text, see `withDocText`), and sent beside the batch's JSON in a list of
 * strings (copied, not escaped); the writer stores that text as it is. In the JSON the document is
 * replaced by {@link DocFacts}: the few fields the commit itself reads.
 */

/**
 * What the writer's commit reads of a proposal document (the entity column, and the metric rollups'
 * route verdict and canary test). A field the commit starts to read must be added here.
 */
export type DocFacts = Pick<ProposalDoc, "context" | "route" | "canary">;

/** One batch as the writer receives it. */
export interface PackedChanges {
  /** The changes' JSON text, with each proposal document replaced by its {@link DocFacts}. */
  changes: string;
  /** The JSON text of each document taken out, and each response, in batch order (a document, then its row's response if any). */
  texts: string[];
}

/**
 * Serialises a batch for the writer thread.
 *
 * @example
 * ```ts
 * const packed = packChanges(batch);
 * worker.postMessage({ kind: "commit", id, ...packed });
 * // in the worker: const changes = unpackChanges(packed);
 * ```
 */
export function packChanges(changes: readonly Change[]): PackedChanges {
  const texts: string[] = [];
  const light = changes.map((change) =>
    mapDocs(change, (doc, response) => {
      texts.push(docJson(doc));
      if (response !== undefined) texts.push(response);
      return factsOf(doc);
    }),
  );
  return { changes: JSON.stringify(light), texts };
}

/**
 * Whether one change can be packed (JSON carries it: no bigint, no cycle); rejects it with the error if
 * not. When {@link packChanges} throws for a batch, this finds the changes to fail alone.
 */
export function serialisable(change: Change, reject: (error: unknown) => void): boolean {
  try {
    JSON.stringify(change);
    return true;
  } catch (error) {
    reject(error);
    return false;
  }
}

/** The changes {@link packChanges} serialised; each document's facts carry its JSON text to store. */
export function unpackChanges(packed: PackedChanges): Change[] {
  const changes = JSON.parse(packed.changes) as Change[];
  let next = 0;
  const take = (): string => {
    const text = packed.texts[next++];
    if (text === undefined) throw new Error("a packed batch holds fewer documents than its changes");
    return text;
  };
  for (const change of changes) {
    for (const write of change.writes) {
      if (write.kind === "insertProposal") {
        withDocText(write.row.doc, take());
        if (write.row.response === undefined) continue;
        write.row.response = take();
      } else if (write.kind === "updateProposal" && write.set.doc !== undefined) {
        withDocText(write.set.doc, take());
      }
    }
  }
  if (next !== packed.texts.length) throw new Error("a packed batch holds more documents than its changes");
  return changes;
}

/**
 * A copy of `change` whose proposal documents are what `swap` returns for them (rows and patches are
 * copied; nothing of `change` is modified). `response` is the row's response text, if it has one; in
 * the copy a response is marked present by an empty string, and taken from the texts on arrival.
 */
function mapDocs(change: Change, swap: (doc: ProposalDoc, response: string | undefined) => DocFacts): Change {
  let writes: Write[] | null = null;
  change.writes.forEach((write, i) => {
    let copy: Write | null = null;
    if (write.kind === "insertProposal") {
      const { row } = write;
      const response = row.response ?? undefined;
      const doc = swap(row.doc, response) as ProposalDoc;
      copy = { ...write, row: { ...row, doc, response: response === undefined ? undefined : "" } };
    } else if (write.kind === "updateProposal" && write.set.doc !== undefined) {
      copy = { ...write, set: { ...write.set, doc: swap(write.set.doc, undefined) as ProposalDoc } };
    }
    if (copy === null) return;
    writes ??= [...change.writes];
    writes[i] = copy;
  });
  return writes === null ? change : { ...change, writes };
}

function factsOf(doc: ProposalDoc): DocFacts {
  const verdict = (doc.route as { verdict?: unknown } | null)?.verdict;
  const facts: DocFacts = { context: { entity: doc.context?.entity }, route: { verdict } };
  if (doc.canary !== undefined) facts.canary = doc.canary;
  return facts;
}
