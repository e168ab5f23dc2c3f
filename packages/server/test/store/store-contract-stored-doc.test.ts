import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { proposalView } from "../../src/app/proposal-view.ts";
import { sqliteFile } from "../../src/store/sqlite-store.ts";
import type { ProposalDoc, ProposalRow, Store } from "../../src/store/store.ts";
import { at, auditDraft, proposalRow, reviewRow } from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore, testDatabaseUrl } from "../support/stores.ts";

/**
 * A new proposal's packet is stored once (stored-doc.ts): when its response repeats its document,
 * the `doc` column keeps only the rest, and every read — whole rows, replay's and the bypass check's
 * narrow reads, history — sees the document whole, on SQLite and on PostgreSQL.
 */
describe.each(storeEngines())("Store contract, a new proposal's packet kept once: %s", (engine) => {
  let db: TestStore;
  let store: Store;

  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
  });
  afterEach(async () => {
    await db.cleanup();
  });

  /** The `doc` column's stored JSON text, as the database holds it. */
  const storedDoc = async (id: string): Promise<string> => {
    if (engine === "sqlite") {
      const sqlite = new Database(sqliteFile(db.location), { readonly: true });
      try {
        const row = sqlite.prepare("SELECT doc FROM proposals WHERE id = ?").get(id) as { doc: string };
        return row.doc;
      } finally {
        sqlite.close();
      }
    }
    const client = new pg.Client({
      connectionString: testDatabaseUrl()!,
      options: `-c search_path=${db.location}`,
    });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT doc::text AS doc FROM proposals WHERE id = $1", [id]);
      return String(rows[0].doc);
    } finally {
      await client.end();
    }
  };

  /** A new proposal as propose writes it: the response rendered from the row, for no viewer. */
  const submitted = (overrides: Partial<ProposalRow>, doc: Partial<ProposalDoc> = {}): ProposalRow => {
    const base = proposalRow({ idempotencyKey: `key-${Math.random()}`, ...overrides });
    const row: ProposalRow = {
      ...base,
      doc: {
        ...base.doc,
        context: { entity: "customer:c_1", ticket: 17 },
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        linkedTo: ["prop_earlier"],
        ...doc,
      },
    };
    const review = reviewRow(row);
    return {
      ...row,
      response: JSON.stringify(proposalView(row, [review], [], null)),
      responseRepeatsDoc: true,
    };
  };

  const insert = async (row: ProposalRow) => {
    const result = await store.commit({
      writes: [{ kind: "insertProposal", row }],
      audit: [auditDraft("proposal.submitted", row.id)],
    });
    expect(result.ok).toBe(true);
  };

  it("stores only what the response lacks, and reads the document back whole", async () => {
    const row = submitted({});
    await insert(row);

    const stored = JSON.parse(await storedDoc(row.id)) as Record<string, unknown>;
    expect(stored).toEqual({
      $response: 1,
      execution: { attempts: 0 },
      agentName: "Support bot",
      traceparent: row.doc.traceparent,
    });
    const { responseRepeatsDoc: _, ...expected } = row;
    expect(await store.proposal(row.id)).toEqual(expected);
    expect(await store.proposalByIdempotencyKey(row.agentId, row.idempotencyKey!)).toEqual(expected);
    const page = await store.historyPage(null, 10);
    expect(page.items.map((item) => item.proposal)).toEqual([expected]);
  });

  it("answers replay's, history's and the bypass check's narrow reads from the response", async () => {
    const rejected = submitted(
      { status: "rejected", actionType: "billing.refund", createdAt: at(0), updatedAt: at(0) },
      {
        action: { type: "billing.refund", payload: { amount: 40, currency: "EUR" } },
        route: { verdict: "review", reasons: [] },
      },
    );
    await insert(rejected);
    await store.commit({
      writes: [
        {
          kind: "insertProposalAmount",
          row: {
            proposalId: rejected.id,
            actionType: "billing.refund",
            entity: "customer:c_1",
            amount: 40,
            createdAt: rejected.createdAt,
          },
        },
      ],
      audit: [],
    });

    const replayed = await store.replayRows(
      { since: null, after: null, before: null },
      ["action", "context", "signals", "agentName"],
      10,
    );
    expect(replayed.map((r) => r.doc)).toEqual([
      {
        action: rejected.doc.action,
        context: rejected.doc.context,
        signals: rejected.doc.signals,
        agentName: "Support bot",
        confidence: rejected.doc.confidence,
        verdict: "review",
      },
    ]);
    const refused = await store.refusedProposals(rejected.agentId, "billing.refund", at(-60), 10);
    expect(refused.map((r) => [r.id, r.payload])).toEqual([[rejected.id, { amount: 40, currency: "EUR" }]]);
    const amounts = await store.amountsOfEntity("billing.refund", "customer:c_1", at(-60), 10);
    expect(amounts.map((a) => [a.proposalId, a.verdict])).toEqual([[rejected.id, "review"]]);
    const decisions = await store.historyDecisions([rejected.id]);
    expect(decisions.get(rejected.id)?.finalPayload ?? null).toBeNull();
  });

  it("writes the document whole on its first change, and keeps the response as it was", async () => {
    const row = submitted({});
    await insert(row);
    const doc: ProposalDoc = {
      ...row.doc,
      revision: 2,
      finalPayload: { to: "ada@example.com", body: "Edited reply." },
    };
    const result = await store.commit({
      writes: [{ kind: "updateProposal", id: row.id, expectVersion: 1, set: { doc, status: "approved" } }],
      audit: [auditDraft("review.decided", row.id)],
    });
    expect(result.ok).toBe(true);

    expect(JSON.parse(await storedDoc(row.id))).toEqual(doc);
    const read = await store.proposal(row.id);
    expect(read?.doc).toEqual(doc);
    expect(read?.response).toBe(row.response);
    const decisions = await store.historyDecisions([row.id]);
    expect(decisions.get(row.id)?.finalPayload).toEqual(doc.finalPayload);
  });

  it("stores a row without a repeating response as it is", async () => {
    const row = proposalRow({ response: JSON.stringify({ id: "anything" }) });
    await insert(row);
    expect(JSON.parse(await storedDoc(row.id))).toEqual(row.doc);
    expect((await store.proposal(row.id))?.doc).toEqual(row.doc);
  });
});
