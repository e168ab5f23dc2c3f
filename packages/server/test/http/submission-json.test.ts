import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/app/principal.ts";
import { proposalView } from "../../src/app/proposal-view.ts";
import { submissionJson } from "../../src/app/submission-json.ts";
import type { ProposalRow } from "../../src/store/store.ts";
import { proposalRow, reviewRow } from "../support/store-fixtures.ts";

/**
 * A submission's answer (kept for replays) and its document are serialised together: the answer must
 * be byte for byte what `JSON.stringify` gives, and the document's text must parse to the document.
 */
describe("a submission's JSON texts", () => {
  const submitted = (doc: Partial<ProposalRow["doc"]> = {}): ProposalRow => {
    const row = proposalRow();
    row.doc = {
      ...row.doc,
      request: { text: 'Où est mon remboursement ? \u2028 "vite" \\ merci' },
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      ...doc,
    };
    return row;
  };

  it("gives exactly JSON.stringify of the view and a text of the document", () => {
    for (const row of [
      submitted(),
      submitted({ toolCalls: undefined as never, linkedTo: ["p_0"] }),
      submitted({ summary: null, rollbackPlan: "Send a correction" }),
    ]) {
      const view = proposalView(row, [reviewRow(row)], [], null);
      const texts = submissionJson(row.doc, view);
      expect(texts.view).toBe(JSON.stringify(view));
      expect(JSON.parse(texts.doc)).toEqual(JSON.parse(JSON.stringify(row.doc)));
      expect(Object.keys(JSON.parse(texts.doc))).toEqual(Object.keys(JSON.parse(JSON.stringify(row.doc))));
    }
  });

  it("serialises each on its own when the view shows other values than the document", () => {
    const row = submitted({
      action: { type: "support.reply", payload: { to: "ada@example.com", body: "Card 4111 1111 1111 1111" } },
    });
    const reviewer = {
      kind: "user",
      user: { id: "u1", name: "Ann", pii: false },
    } as unknown as Principal;
    const view = proposalView(row, [], [], reviewer);
    expect(view.action).not.toEqual(row.doc.action); // masked
    const texts = submissionJson(row.doc, view);
    expect(texts.view).toBe(JSON.stringify(view));
    expect(texts.doc).toBe(JSON.stringify(row.doc));
  });
});
