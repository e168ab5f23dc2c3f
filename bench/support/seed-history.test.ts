import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../packages/server/src/store/open-store.ts";
import type { Store } from "../../packages/server/src/store/store.ts";
import { HistorySeed } from "./seed-history.ts";

describe("HistorySeed", () => {
  let dataDir: string;
  let store: Store;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "loopgate-seed-test-"));
    store = await openStore({ dataDir });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const openReviews = async () => {
    const page = await store.listReviews({}, 10_000);
    return page.items;
  };

  it("with pending, stores only reviewed proposals and leaves every review open and unclaimed", async () => {
    await new HistorySeed().seed(store, { total: 300, pending: true });
    expect(await store.historySize(null)).toBe(300);
    const open = await openReviews();
    expect(open).toHaveLength(300);
    expect(open.every((r) => r.claimedBy === null && r.approvers.length === 0)).toBe(true);
    expect(new Set(open.map((r) => r.status))).toEqual(new Set(["pending", "escalated"]));
    expect(await store.decisionsOfProposal(open[0]!.proposalId)).toEqual([]);
  });

  it("by default still decides every other reviewed proposal", async () => {
    await new HistorySeed().seed(store, { total: 300 });
    expect(await store.historySize(null)).toBe(300);
    const open = await openReviews();
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((r) => Number(r.id.slice(1)) % 2 === 1)).toBe(true);
  });
});
