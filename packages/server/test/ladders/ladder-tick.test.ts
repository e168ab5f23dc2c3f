import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catchUpNotificationFeed, NOTIFICATION_FEED } from "../../src/notifications/notification-feed.ts";
import type { Change, Store } from "../../src/store/store.ts";
import { engines, startTestServer, type TestServer } from "../http/test-server.ts";

/** The most feed steps the store below follows with a new proposal: a bound, so a regression ends. */
const ARRIVALS = 40;

describe.each(engines())("the notification feed under steady traffic on %s", (engine) => {
  let t: TestServer;
  let bot: string;
  beforeAll(async () => {
    // Its own timers tick once at the start, then not during the test.
    t = await startTestServer(engine, { config: { timerIntervalMs: 3_600_000 } });
    bot = await t.key("support-bot", "agent");
  });
  afterAll(() => t.close());

  const propose = async (body: string) => {
    const res = await t.call("POST", "/v1/proposals", {
      key: bot,
      body: { action: { type: "support.reply", payload: { to: "a@example.com", body } } },
    });
    expect(res.status).toBe(201);
  };

  it("catches up with the log's head as it was when called, not with what arrives meanwhile", async () => {
    // The real store, except that each step of the feed is followed by a new proposal, as under steady
    // traffic, where every step finds entries that arrived during the last.
    const real = t.server.deps.store;
    let steps = 0;
    const busy = new Proxy(real, {
      get(target, property) {
        if (property === "commit") {
          return async (change: Change) => {
            const result = await target.commit(change);
            const feedStep = change.writes.some((write) => write.kind === "advanceFeed");
            if (feedStep && ++steps <= ARRIVALS) await propose(`Arrived during step ${steps}`);
            return result;
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as Store;
    for (let i = 0; i < 3; i++) await propose(`Hello ${i}`);
    const head = (await real.auditHead())?.seq ?? 0;

    const moved = await catchUpNotificationFeed({ ...t.server.deps, store: busy }, () => false);

    // One step reached the head (this policy notifies no one, so the feed passes over the log
    // unread); chasing the proposals that kept arriving would have taken a step for each of them.
    expect(steps).toBe(1);
    const position = (await real.feedPosition(NOTIFICATION_FEED)) ?? 0;
    expect(position).toBeGreaterThanOrEqual(head);
    expect(moved).toBeGreaterThan(0);
    // What arrived meanwhile is the next call's.
    expect((await real.auditHead())?.seq).toBeGreaterThan(position);
    await catchUpNotificationFeed(t.server.deps, () => false);
    expect(await real.feedPosition(NOTIFICATION_FEED)).toBe((await real.auditHead())?.seq);
  });
});
