import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, startTestServer, type TestServer } from "./test-server.ts";

const refund = (amount: number, confidence = 0.95) => ({
  action: { type: "billing.refund", payload: { amount, currency: "EUR", customerId: "c_1" } },
  summary: `Refund ${amount} EUR`,
  signals: { agentConfidence: confidence },
});

/**
 * `POST /v1/proposals` from an agent's key takes the hot path (fast-propose.ts); the same request with
 * a query string goes through the app. Both must answer alike, for every outcome.
 */
describe.each(engines())("the propose hot path answers as the app does, on %s", (engine) => {
  let t: TestServer;
  let agent: string;
  let reviewer: string;

  beforeAll(async () => {
    t = await startTestServer(engine);
    agent = await t.key("support-bot", "agent");
    reviewer = await t.key("anna", "reviewer");
  });
  afterAll(async () => t.close());

  type Call = Parameters<TestServer["call"]>[2];

  /** Status, the headers that matter and the body without what differs per request. */
  const answer = async (path: string, options: Call) => {
    const res = await t.call("POST", path, options);
    const body = structuredClone(res.body);
    if (body?.error) delete body.error.requestId;
    for (const key of ["id", "createdAt", "updatedAt", "packetHash", "review", "reviews"]) delete body?.[key];
    return {
      status: res.status,
      contentType: res.headers.get("content-type"),
      location: res.headers.get("location")?.replace(/[^/]+$/, ":id") ?? null,
      replayed: res.headers.get("idempotent-replayed"),
      retryAfter: res.headers.get("retry-after"),
      requestId: res.headers.get("x-request-id") !== null,
      body,
    };
  };

  it("answers every outcome identically: created, replayed, 4xx of each kind", async () => {
    const cases: [string, (n: number) => Call][] = [
      ["review", () => ({ key: agent, body: refund(150) })],
      ["auto", () => ({ key: agent, body: refund(10) })],
      [
        "idempotent first",
        (n) => ({ key: agent, body: refund(20), headers: { "idempotency-key": `k-${n}` } }),
      ],
      ["missing field", () => ({ key: agent, body: { summary: "x" } })],
      ["unknown field", () => ({ key: agent, body: { ...refund(5), extra: true } })],
      ["invalid JSON", () => ({ key: agent, raw: "{ not json" })],
      ["empty body", () => ({ key: agent, raw: "" })],
      ["bad idempotency key", () => ({ key: agent, body: refund(5), headers: { "idempotency-key": "a b" } })],
      ["unknown key", () => ({ key: "lg_nope", body: refund(5) })],
      ["malformed authorization", () => ({ body: refund(5), headers: { authorization: "Basic x" } })],
      ["a reviewer cannot propose", () => ({ key: reviewer, body: refund(5) })],
      [
        "too large",
        () => ({ key: agent, raw: JSON.stringify({ ...refund(5), summary: "x".repeat(5_000_000) }) }),
      ],
    ];
    for (const [name, make] of cases) {
      const hot = await answer("/v1/proposals", make(1));
      const app = await answer("/v1/proposals?via=app", make(2));
      expect(hot, name).toEqual(app);
      expect(hot.requestId, name).toBe(true);
    }
  });

  it("replays an idempotent submission with the original answer on either path", async () => {
    const options = { key: agent, body: refund(30), headers: { "idempotency-key": "same-key" } };
    const first = await t.call("POST", "/v1/proposals", options);
    const again = await t.call("POST", "/v1/proposals?via=app", options);
    const third = await t.call("POST", "/v1/proposals", options);
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(third.body).toEqual(first.body);
    expect(third.headers.get("idempotent-replayed")).toBe("true");
    const changed = await t.call("POST", "/v1/proposals", { ...options, body: refund(31) });
    expect(changed.status).toBe(422);
  });

  it("keeps the caller's request id and answers a body sent in pieces", async () => {
    const res = await t.call("POST", "/v1/proposals", {
      key: agent,
      body: refund(150),
      headers: { "x-request-id": "agent-trace-1" },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-request-id")).toBe("agent-trace-1");

    const text = JSON.stringify(refund(150));
    const chunked = await fetch(`${t.url}/v1/proposals`, {
      method: "POST",
      headers: { authorization: `Bearer ${agent}`, "content-type": "application/json" },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text.slice(0, 10)));
          controller.enqueue(new TextEncoder().encode(text.slice(10)));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(201);
  });
});
