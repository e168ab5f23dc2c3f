import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/http/rate-limit.ts";
import { startTestServer, type TestServer } from "./test-server.ts";

describe("RateLimiter", () => {
  it("allows a burst, then refills at the sustained rate", () => {
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 });
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => limiter.take("a", t0))).toEqual([undefined, undefined, undefined]);
    expect(limiter.take("a", t0)).toBe(1);
    expect(limiter.take("b", t0)).toBeUndefined(); // buckets are per caller
    expect(limiter.take("a", t0 + 500)).toBeUndefined(); // one token back after half a second
    expect(limiter.take("a", t0 + 500)).toBe(1);
  });

  it("is off at 0 per second", () => {
    const limiter = new RateLimiter({ perSecond: 0, burst: 0 });
    for (let i = 0; i < 100; i++) expect(limiter.take("a", 0)).toBeUndefined();
  });
});

describe("rate limits over HTTP", () => {
  let server: TestServer;
  let agent: string;

  beforeAll(async () => {
    server = await startTestServer("sqlite", { config: { rateLimit: { perSecond: 1, burst: 2 } } });
    agent = await server.key("busy-bot", "agent");
  });
  afterAll(() => server?.close());

  it("answers 429 with Retry-After past the burst, and writes nothing for the refused request", async () => {
    const propose = (n: number) =>
      server.call("POST", "/v1/proposals", {
        key: agent,
        headers: { "idempotency-key": `rate-${n}` },
        body: { action: { type: "support.reply", payload: { to: "a@example.com", body: `Hello ${n}` } } },
      });
    expect((await propose(1)).status).toBe(201);
    expect((await propose(2)).status).toBe(201);
    const refused = await propose(3);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Another caller is not affected, and the refused proposal was never stored.
    const owner = await server.key("olga", "owner");
    const audit = await server.call("GET", "/v1/audit?limit=500", { key: owner });
    expect(audit.status).toBe(200);
    const proposed = audit.body.items.filter((e: { type: string }) => e.type === "proposal.submitted");
    expect(proposed.length).toBe(2);
  });
});
