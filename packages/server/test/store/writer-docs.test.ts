import { describe, expect, it } from "vitest";
import { proposalPatch } from "../../src/store/row-patches.ts";
import { proposalValues } from "../../src/store/rows.ts";
import type { Change } from "../../src/store/store.ts";
import { packChanges, unpackChanges } from "../../src/store/writer-docs.ts";
import { changeOf, proposalRow, reviewRow } from "../support/store-fixtures.ts";

/**
 * The writer thread receives proposal documents and responses as strings of their own: what it binds
 * to the SQL statements must be exactly what the event loop's rows would have bound.
 */
describe("writer hand-off of proposal documents", () => {
  const submitted = proposalRow({ response: '{"id":"p1","status":"pending_review"}' });
  submitted.doc.context = { entity: "customer:c_7" };
  const canary = proposalRow();
  canary.doc.canary = { name: "refund-to-wrong-customer" };
  const noResponse = proposalRow({ response: null });
  const revised = { ...submitted.doc, revision: 2, context: { entity: 42 } };
  const batch: Change[] = [
    changeOf([
      { kind: "insertProposal", row: submitted },
      { kind: "insertReview", row: reviewRow(submitted) },
    ]),
    changeOf([{ kind: "insertProposal", row: canary }]),
    changeOf([{ kind: "insertProposal", row: noResponse }]),
    changeOf([
      {
        kind: "updateProposal",
        id: submitted.id,
        expectVersion: 1,
        set: { status: "approved", doc: revised, updatedAt: submitted.updatedAt },
      },
      { kind: "updateProposal", id: canary.id, expectVersion: 1, set: { status: "rejected" } },
    ]),
  ];

  it("binds the same values as the rows it was given", () => {
    const before = JSON.stringify(batch);
    const packed = packChanges(batch);
    expect(JSON.stringify(batch)).toBe(before); // the caller's changes are not modified
    const arrived = unpackChanges(structuredClone(packed));

    const inserts = (changes: Change[]) =>
      changes.flatMap((c) => c.writes).flatMap((w) => (w.kind === "insertProposal" ? [w.row] : []));
    expect(inserts(arrived).map((row) => proposalValues("default", row))).toEqual(
      inserts(batch).map((row) => proposalValues("default", row)),
    );
    const patches = (changes: Change[]) =>
      changes
        .flatMap((c) => c.writes)
        .flatMap((w) => (w.kind === "updateProposal" ? [proposalPatch(w.set)] : []));
    expect(patches(arrived)).toEqual(patches(batch));
    // The review and everything else cross unchanged.
    expect(arrived[0]!.writes[1]).toEqual(batch[0]!.writes[1]);
    expect(arrived.map((c) => c.audit)).toEqual(batch.map((c) => c.audit));
  });

  it("keeps in the JSON only the document facts the commit reads", () => {
    const packed = packChanges(batch);
    expect(packed.changes).not.toContain("Your refund is on its way");
    expect(packed.texts).toContain('{"id":"p1","status":"pending_review"}');
    const arrived = unpackChanges(packed);
    const docOf = (i: number) => (arrived[i]!.writes[0] as { row: { doc: Record<string, unknown> } }).row.doc;
    expect(docOf(0)).toEqual({ context: { entity: "customer:c_7" }, route: { verdict: "review" } });
    expect(docOf(1).canary).toEqual({ name: "refund-to-wrong-customer" });
  });

  it("refuses a batch whose texts do not match its changes", () => {
    const packed = packChanges(batch);
    expect(() => unpackChanges({ ...packed, texts: packed.texts.slice(1) })).toThrow(/fewer|more/);
    expect(() => unpackChanges({ ...packed, texts: [...packed.texts, "{}"] })).toThrow(/more documents/);
  });
});
