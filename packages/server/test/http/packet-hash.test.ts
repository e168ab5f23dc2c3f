import { describe, expect, it } from "vitest";
import { hashPayloadNative } from "../../src/app/native-hash.ts";
import type { Principal } from "../../src/app/principal.ts";
import { packetHash, proposalView, viewerPacketHash } from "../../src/app/proposal-view.ts";
import { proposalRow, reviewRow, userRow } from "../support/store-fixtures.ts";

/** A decision's `packetHash` is checked without building the view: both must agree for every viewer. */
describe("the packet hash a viewer is shown", () => {
  const row = proposalRow();
  row.doc.finalPayload = { to: "anna@example.com", body: "Call me on +44 20 7946 0958" };
  const viewers: [string, Principal | null][] = [
    ["no viewer (the agent's answer)", null],
    ["a reviewer who sees personal data", { kind: "user", keyId: null, user: userRow({ pii: true }) }],
    ["a reviewer who does not", { kind: "user", keyId: null, user: userRow({ pii: false }) }],
    ["an agent", { kind: "agent", keyId: "k", agentId: "agent_support", actions: null }],
  ];

  it.each(viewers)("is the view's for %s", (_name, viewer) => {
    expect(viewerPacketHash(row, viewer)).toBe(proposalView(row, [reviewRow(row)], [], viewer).packetHash);
  });

  it("is the hash of the canonical JSON of proposal, revision, edit and masking, with or without an edit", () => {
    for (const id of ["01a22f47-9a32-7396-85cd-0078c81f77fa", 'quote"and\\backslash', "é"]) {
      for (const masked of [true, false]) {
        for (const [revision, edit] of [
          [1, null],
          [7, null],
          [2, { amount: 40, note: "x" }],
        ] as const) {
          expect(packetHash(id, revision, edit, masked)).toBe(
            hashPayloadNative({ proposalId: id, revision, finalPayload: edit, masked }),
          );
        }
      }
    }
  });

  it("differs between a masked and an unmasked viewer, and with the edit", () => {
    const masked = viewerPacketHash(row, viewers[2]![1]);
    expect(masked).not.toBe(viewerPacketHash(row, viewers[1]![1]));
    const edited = { ...row, doc: { ...row.doc, finalPayload: { to: "ben@example.com", body: "x" } } };
    expect(viewerPacketHash(edited, viewers[1]![1])).not.toBe(viewerPacketHash(row, viewers[1]![1]));
  });
});
