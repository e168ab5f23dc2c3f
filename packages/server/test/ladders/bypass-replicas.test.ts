import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EventBus } from "../../src/app/events.ts";
import { REFUSAL_CACHE_MS, RefusalCache } from "../../src/app/refusal-cache.ts";
import type { RunningServer } from "../../src/http/start-server.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";
import { apiKey, call, policyFile, startReplica, TestClock } from "./support/ladder-harness.ts";

const POLICY = `version: 1
actions:
  billing.refund:
    reversible: compensate
    payload:
      type: object
      required: [amount, customerId]
      properties: { amount: { type: number }, customerId: { type: string }, note: { type: string } }
    review: { queue: billing }
    bypass: { window: 24h, entity: payload.customerId }
rules:
  - id: confident-small-refund
    when: "action.payload.amount < 150 && agentConfidence != null && agentConfidence >= 0.9"
    route: auto
`;

describe("the bypass check's cache of agents with nothing refused", () => {
  const T = 1_000_000;
  const since = "2026-11-29T00:00:00.000Z";
  const refusal = (status: string, agentId: string | null = "bot") =>
    ({
      type: "proposal.updated",
      proposalId: "p",
      reviewId: null,
      agentId,
      queue: null,
      status,
      at: "",
    }) as const;

  it("trusts a 'none refused' answer for REFUSAL_CACHE_MS, for the window it covered or a later one", () => {
    const cache = new RefusalCache(new EventBus());
    expect(cache.knownNone("bot", "billing.refund", since, T)).toBe(false);
    cache.rememberNone("bot", "billing.refund", since, T, cache.generation);
    expect(cache.knownNone("bot", "billing.refund", since, T + REFUSAL_CACHE_MS - 1)).toBe(true);
    expect(cache.knownNone("bot", "billing.refund", "2026-11-29T01:00:00.000Z", T)).toBe(true);
    expect(cache.knownNone("bot", "billing.refund", "2026-11-28T23:00:00.000Z", T)).toBe(false);
    expect(cache.knownNone("bot", "billing.refund", since, T + REFUSAL_CACHE_MS)).toBe(false);
    expect(cache.knownNone("bot", "support.reply", since, T)).toBe(false);
    expect(cache.knownNone("other", "billing.refund", since, T)).toBe(false);
  });

  it("forgets an agent's answers when this process sees one of its proposals rejected or blocked", () => {
    const events = new EventBus();
    const cache = new RefusalCache(events);
    cache.rememberNone("bot", "billing.refund", since, T, cache.generation);
    cache.rememberNone("other", "billing.refund", since, T, cache.generation);
    events.publish(refusal("approved"));
    expect(cache.knownNone("bot", "billing.refund", since, T)).toBe(true);
    events.publish(refusal("rejected"));
    expect(cache.knownNone("bot", "billing.refund", since, T)).toBe(false);
    expect(cache.knownNone("other", "billing.refund", since, T)).toBe(true);
    events.publish(refusal("blocked", null));
    expect(cache.knownNone("other", "billing.refund", since, T)).toBe(false);
  });

  it("does not store an answer read before a refusal it has not seen", () => {
    const events = new EventBus();
    const cache = new RefusalCache(events);
    const before = cache.generation;
    events.publish(refusal("blocked")); // arrives while the read is in flight
    cache.rememberNone("bot", "billing.refund", since, T, before);
    expect(cache.knownNone("bot", "billing.refund", since, T)).toBe(false);
  });

  /** Reads the test finishes by hand, oldest first, counting how many were started. */
  const manualRead = () => {
    const waiting: ((rows: { id: string; createdAt: string }[]) => void)[] = [];
    const read = {
      calls: 0,
      fn: () => {
        read.calls++;
        return new Promise<{ id: string; createdAt: string }[]>((resolve) => {
          waiting.push(resolve);
        });
      },
      finish: (rows: { id: string; createdAt: string }[]) => waiting.shift()?.(rows),
    };
    return read;
  };

  it("lets checks that arrive during a read share it, each seeing only its own window", async () => {
    const cache = new RefusalCache(new EventBus());
    const read = manualRead();
    const later = "2026-11-29T06:00:00.000Z";
    const first = cache.readShared("bot", "billing.refund", since, T, read.fn);
    const second = cache.readShared("bot", "billing.refund", later, T, read.fn);
    const earlier = cache.readShared("bot", "billing.refund", "2026-11-28T00:00:00.000Z", T, read.fn);
    expect(read.calls).toBe(2); // a wider window than the one in flight needs a read of its own
    read.finish([
      { id: "new", createdAt: "2026-11-29T08:00:00.000Z" },
      { id: "old", createdAt: "2026-11-29T02:00:00.000Z" },
    ]);
    expect((await first).map((r) => r.id)).toEqual(["new", "old"]);
    expect((await second).map((r) => r.id)).toEqual(["new"]);
    read.finish([]);
    expect(await earlier).toEqual([]);
    // Once the reads are over, the next check reads again.
    void cache.readShared("bot", "billing.refund", since, T, read.fn);
    expect(read.calls).toBe(3);
  });

  it("does not let a check join a read begun before a refusal it has seen, and remembers 'none'", async () => {
    const events = new EventBus();
    const cache = new RefusalCache(events);
    const read = manualRead();
    const first = cache.readShared("bot", "billing.refund", since, T, read.fn);
    events.publish(refusal("rejected"));
    const second = cache.readShared("bot", "billing.refund", since, T, read.fn);
    expect(read.calls).toBe(2);
    read.finish([]);
    await first;
    // The read begun before the refusal found none, but that answer is not kept ...
    expect(cache.knownNone("bot", "billing.refund", since, T)).toBe(false);
    read.finish([]);
    await second;
    // ... the one begun after it is.
    expect(cache.knownNone("bot", "billing.refund", since, T)).toBe(true);
  });
});

describe.each(storeEngines())("bypass resistance across replicas: %s", (engine) => {
  let db: TestStore;
  let clock: TestClock;
  let first: RunningServer;
  let second: RunningServer;
  let policy: Awaited<ReturnType<typeof policyFile>>;
  let agent: string;
  let reviewer: string;

  beforeEach(async () => {
    db = await createTestStore(engine);
    clock = new TestClock();
    policy = await policyFile(POLICY);
    first = await startReplica(db.store, { clock, policy: policy.path });
    second = await startReplica(await db.openAnother(), { clock, policy: policy.path });
    agent = await apiKey(db.store, "refund-bot", "agent");
    reviewer = await apiKey(db.store, "rita", "reviewer");
  });
  afterEach(async () => {
    await first.close();
    await second.close();
    await policy.remove();
    await db.cleanup();
  });

  const refund = (server: RunningServer, payload: Record<string, unknown>, agentConfidence: number) =>
    call(server.url, "POST", "/v1/proposals", agent, {
      action: { type: "billing.refund", payload },
      signals: { agentConfidence },
    });

  it("sees a rejection made on another replica within REFUSAL_CACHE_MS", async () => {
    const note = "Refund the duplicate charge on order 5512 for the customer";
    const original = await refund(first, { amount: 120, customerId: "c_1", note }, 0.5);
    expect(original.body.status).toBe("pending_review");
    // The first replica now knows this agent has nothing refused; the rejection happens on the second.
    const rejected = await call(
      second.url,
      "POST",
      `/v1/reviews/${original.body.review.id}/decisions`,
      reviewer,
      { verdict: "reject", comment: "Not a duplicate" },
    );
    expect(rejected.status).toBe(201);

    clock.advance(REFUSAL_CACHE_MS);
    const again = await refund(first, { amount: 118, customerId: "c_1", note: `${note}!` }, 0.95);
    expect(again.body.status).toBe("pending_review");
    expect(again.body.signals.bypass).toBe(true);
    expect(again.body.linkedTo).toEqual([original.body.id]);

    // The replica that saw the rejection flags a repeat at once.
    const there = await refund(second, { amount: 119, customerId: "c_1", note }, 0.95);
    expect(there.body.signals.bypass).toBe(true);
  });
});
