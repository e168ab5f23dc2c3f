import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayCandidate, replayHistory } from "../../src/app/policy-replay.ts";
import { AUTOMATING_CANDIDATE, recordHistory } from "./replay-history.ts";
import { startTestServer, type TestServer } from "./test-server.ts";

/** Replay on worker threads (the embedded store, a large history) gives the report one pass gives. */
describe("policy replay on worker threads", () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer("sqlite");
    await recordHistory(t);
  });
  afterAll(async () => t.close());

  it("hands the history out in stretches to workers and merges the same report", async () => {
    const store = t.server.deps.store;
    const loaded = await replayCandidate(store, AUTOMATING_CANDIDATE);
    if (!loaded.ok) throw new Error("the candidate does not load");
    const progress: [number, number][] = [];
    const options = { since: null, thresholds: { "support.reply": 0.85 } };
    const inProcess = await replayHistory(store, loaded.candidate, { ...options, workers: 1 });
    const parallel = await replayHistory(store, loaded.candidate, {
      ...options,
      workers: 3,
      // 7 proposals in stretches of 2: four stretches, taken by whichever worker is free.
      stretch: 2,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(inProcess));
    expect(parallel.proposals).toBe(7);
    expect(parallel.totals.newlyAutomated.reviewed).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual([7, 7]);

    const api = await t.call("POST", "/v1/policy/replay", {
      key: await t.key("olga", "owner"),
      body: { policy: AUTOMATING_CANDIDATE, thresholds: { "support.reply": 0.85 } },
    });
    expect(api.body).toEqual(parallel);
  });
});
