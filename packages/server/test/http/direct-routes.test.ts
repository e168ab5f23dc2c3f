import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttp } from "../../src/http/app.ts";
import { withDirectRoutes } from "../../src/http/direct-routes.ts";
import { engines, startTestServer, type TestServer } from "./test-server.ts";

const refund = (amount: number, confidence = 0.95) => ({
  action: { type: "billing.refund", payload: { amount, currency: "EUR", customerId: "c_1" } },
  summary: `Refund ${amount} EUR`,
  signals: { agentConfidence: confidence },
});

type Call = NonNullable<Parameters<TestServer["call"]>[2]>;

/** Keys of the same names on each server. */
interface Keys {
  agent: string;
  anna: string;
  ben: string;
}

/**
 * What an answer says, without what differs between two servers and two runs: ids, times, hashes,
 * signatures and request ids become placeholders.
 */
function comparable(res: { status: number; headers: Headers; body: unknown }) {
  const text = JSON.stringify(res.body)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, "<time>")
    .replace(/sha256:[0-9a-f]{64}|\b[0-9a-f]{64}\b/g, "<hash>")
    .replace(/"(signature|publicKey|keyId|token|requestId)":"[^"]*"/g, '"$1":"<$1>"');
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    replayed: res.headers.get("idempotent-replayed"),
    retryAfter: res.headers.get("retry-after"),
    requestId: res.headers.get("x-request-id") !== null,
    body: JSON.parse(text) as unknown,
  };
}

/**
 * An agent's and two reviewers' requests, every outcome of the direct routes, against one server;
 * returns each answer made comparable. Ids come from the server's own earlier answers.
 */
async function walk(t: TestServer, keys: Keys): Promise<[string, ReturnType<typeof comparable>][]> {
  const answers: [string, ReturnType<typeof comparable>][] = [];
  const call = async (name: string, method: string, path: string, options: Call = {}) => {
    const res = await t.call(method, path, options);
    answers.push([name, comparable(res)]);
    return res;
  };
  const { agent, anna, ben } = keys;

  const big = await call("propose for review", "POST", "/v1/proposals", { key: agent, body: refund(150) });
  const small = await call("propose auto", "POST", "/v1/proposals", { key: agent, body: refund(10) });
  const spare = await call("propose another", "POST", "/v1/proposals", { key: agent, body: refund(60) });
  await call("propose, unknown field", "POST", "/v1/proposals", { key: agent, body: { ...refund(5), x: 1 } });
  await call("propose, invalid JSON", "POST", "/v1/proposals", { key: agent, raw: "{ nope" });
  await call("propose, unknown key", "POST", "/v1/proposals", { key: "lg_nope", body: refund(5) });
  await call("propose, with a query string", "POST", "/v1/proposals?via=anything", {
    key: agent,
    body: refund(12),
    headers: { "idempotency-key": "q-1" },
  });
  const id: string = big.body.id;

  await call("read", "GET", `/v1/proposals/${id}`, { key: agent });
  await call("read, unknown id", "GET", "/v1/proposals/01a00000-0000-7000-8000-000000000000", { key: agent });
  await call("read, another agent's role", "GET", `/v1/proposals/${id}`, { key: anna });
  await call("read, a trailing slash", "GET", `/v1/proposals/${id}/`, { key: agent });
  await call("read, an encoded id", "GET", `/v1/proposals/${encodeURIComponent(id)}`, { key: agent });
  await call("read, bad percent-encoding", "GET", "/v1/proposals/%E0%A4%A", { key: agent });
  await call("wait, bad seconds", "GET", `/v1/proposals/${id}/decision?wait=abc`, { key: agent });
  await call("wait, none", "GET", `/v1/proposals/${id}/decision?wait=0`, { key: agent });
  await call("wait, repeated", "GET", `/v1/proposals/${id}/decision?wait=0&wait=abc`, { key: agent });

  await call("list", "GET", "/v1/reviews?queue=billing", { key: anna });
  await call("list, bad filter", "GET", "/v1/reviews?status=bogus", { key: anna });
  await call("list, an encoded filter", "GET", "/v1/reviews?queue=bill%69ng&queue=x", { key: anna });
  await call("list, bad percent-encoding", "GET", "/v1/reviews?status=%E0%A4%A", { key: anna });
  const claimed = await call("claim-next", "POST", "/v1/reviews/claim-next", { key: anna });
  const reviewId: string = claimed.body.review.id;
  const packetHash: string = claimed.body.proposal.packetHash;
  await call("claim, held by another", "POST", `/v1/reviews/${reviewId}/claim`, { key: ben });
  await call("decide, an agent", "POST", `/v1/reviews/${reviewId}/decisions`, {
    key: agent,
    body: { verdict: "approve" },
  });
  await call("decide, empty body", "POST", `/v1/reviews/${reviewId}/decisions`, { key: anna, raw: "" });
  await call("decide, bad verdict", "POST", `/v1/reviews/${reviewId}/decisions`, {
    key: anna,
    body: { verdict: "maybe" },
  });
  await call("decide, stale packet", "POST", `/v1/reviews/${reviewId}/decisions`, {
    key: anna,
    body: { verdict: "approve", packetHash: `sha256:${"0".repeat(64)}` },
  });
  await call("decide, first approval", "POST", `/v1/reviews/${reviewId}/decisions`, {
    key: anna,
    body: { verdict: "approve", packetHash },
  });
  await call("decide, same person twice", "POST", `/v1/reviews/${reviewId}/decisions`, {
    key: anna,
    body: { verdict: "approve" },
  });
  await call("claim, second reviewer", "POST", `/v1/reviews/${reviewId}/claim`, { key: ben, body: {} });
  await call("release", "POST", `/v1/reviews/${reviewId}/release`, { key: ben });
  await call("decide, second approval", "POST", `/v1/reviews/${reviewId}/decisions`, {
    key: ben,
    body: { verdict: "approve" },
  });
  await call("decide, after the end", "POST", `/v1/reviews/${reviewId}/decisions`, {
    key: ben,
    body: { verdict: "reject", category: "other" },
  });
  await call("wait, approved", "GET", `/v1/proposals/${id}/decision?wait=5`, { key: agent });
  await call("result", "POST", `/v1/proposals/${id}/result`, {
    key: agent,
    body: { status: "succeeded", output: { refundId: "r_1" } },
  });
  await call("result again", "POST", `/v1/proposals/${id}/result`, {
    key: agent,
    body: { status: "succeeded" },
  });
  await call("result, auto", "POST", `/v1/proposals/${small.body.id}/result`, {
    key: agent,
    body: { status: "failed", error: "card declined" },
  });
  await call("info, not asked", "POST", `/v1/proposals/${spare.body.id}/info`, {
    key: agent,
    body: { evidence: [{ source: "orders", snippet: "o_1" }] },
  });
  await call("cancel", "POST", `/v1/proposals/${spare.body.id}/cancel`, { key: agent });
  await call("cancel again", "POST", `/v1/proposals/${spare.body.id}/cancel`, { key: agent });
  await call("claim-next, nothing left", "POST", "/v1/reviews/claim-next", { key: anna, body: {} });
  return answers;
}

/**
 * API keys' proposals, reads, long polls, claims and decisions are served on Node's request directly
 * (direct-routes.ts), with the route's one handler. A server started with `directRoutes: false` sends
 * them all through the app; both must answer alike, for every outcome.
 */
describe.each(engines())("the direct routes answer as the app does, on %s", (engine) => {
  let direct: TestServer;
  let viaApp: TestServer;
  const keysOf = async (t: TestServer): Promise<Keys> => ({
    agent: await t.key("support-bot", "agent"),
    anna: await t.key("anna", "reviewer"),
    ben: await t.key("ben", "reviewer"),
  });

  beforeAll(async () => {
    direct = await startTestServer(engine);
    viaApp = await startTestServer(engine, { directRoutes: false });
  });
  afterAll(async () => {
    await direct.close();
    await viaApp.close();
  });

  it("answers every outcome identically on both paths", async () => {
    const one = await walk(direct, await keysOf(direct));
    const other = await walk(viaApp, await keysOf(viaApp));
    expect(one.map(([name]) => name)).toEqual(other.map(([name]) => name));
    one.forEach(([name, answer], i) => {
      expect(answer, name).toEqual(other[i]![1]);
      expect(answer.requestId, name).toBe(true);
    });
    const statuses = Object.fromEntries(one.map(([name, answer]) => [name, answer.status]));
    expect(statuses).toMatchObject({
      "propose for review": 201,
      "read, unknown id": 404,
      "read, a trailing slash": 404,
      "wait, bad seconds": 400,
      "decide, an agent": 403,
      "decide, stale packet": 409,
      "decide, first approval": 201,
      "decide, same person twice": 403,
      "decide, second approval": 201,
      result: 200,
      "result again": 409,
    });
  });

  it("replays an idempotent submission with the original answer on either path", async () => {
    const agent = await direct.key("replaying-bot", "agent");
    const options = { key: agent, body: refund(30), headers: { "idempotency-key": "same-key" } };
    const first = await direct.call("POST", "/v1/proposals", options);
    // A chunked body goes to the app.
    const again = await fetch(`${direct.url}/v1/proposals`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${agent}`,
        "content-type": "application/json",
        "idempotency-key": "same-key",
      },
      body: streamOf(JSON.stringify(refund(30))),
      duplex: "half",
    } as RequestInit);
    const third = await direct.call("POST", "/v1/proposals", options);
    expect(first.status).toBe(201);
    expect(await again.json()).toEqual(first.body);
    expect(third.body).toEqual(first.body);
    expect(third.headers.get("idempotent-replayed")).toBe("true");
    const changed = await direct.call("POST", "/v1/proposals", { ...options, body: refund(31) });
    expect(changed.status).toBe(422);
  });

  it("keeps the caller's request id, refuses a body over the limit and answers a body sent in pieces", async () => {
    const agent = await direct.key("tracing-bot", "agent");
    const res = await direct.call("POST", "/v1/proposals", {
      key: agent,
      body: refund(150),
      headers: { "x-request-id": "agent-trace-1" },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-request-id")).toBe("agent-trace-1");
    const read = await direct.call("GET", `/v1/proposals/${res.body.id}`, {
      key: agent,
      headers: { "x-request-id": "agent-trace-2" },
    });
    expect(read.headers.get("x-request-id")).toBe("agent-trace-2");

    const large = await direct.call("POST", "/v1/proposals", {
      key: agent,
      raw: JSON.stringify({ ...refund(5), summary: "x".repeat(5_000_000) }),
    });
    expect(large.status).toBe(413);

    const chunked = await fetch(`${direct.url}/v1/proposals`, {
      method: "POST",
      headers: { authorization: `Bearer ${agent}`, "content-type": "application/json" },
      body: streamOf(JSON.stringify(refund(150))),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(201);
  });

  it("serves keys' bulk requests itself and leaves everything else to the app", async () => {
    const { deps } = direct.server;
    const { direct: parts } = createHttp(deps, { signingKey: deps.signingKey! });
    const passedOn: string[] = [];
    const listener = createServer(
      withDirectRoutes(parts, (req, res) => {
        passedOn.push(`${req.method} ${req.url}`);
        res.writeHead(599).end();
      }),
    );
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    try {
      const agent = await direct.key("counted-bot", "agent");
      const anna = await direct.key("counted-anna", "reviewer");
      const send = async (method: string, path: string, key: string | null, body?: unknown) => {
        const res = await fetch(base + path, {
          method,
          headers: key === null ? {} : { authorization: `Bearer ${key}` },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return res.status;
      };
      const created = await fetch(`${base}/v1/proposals`, {
        method: "POST",
        headers: { authorization: `Bearer ${agent}` },
        body: JSON.stringify(refund(150)),
      }).then((res) => res.json() as Promise<{ id: string }>);
      const id: string = created.id;
      expect(await send("GET", `/v1/proposals/${id}`, agent)).toBe(200);
      expect(await send("GET", `/v1/proposals/${id}/decision?wait=0`, agent)).toBe(200);
      expect(await send("GET", "/v1/reviews?queue=billing", anna)).toBe(200);
      expect(await send("POST", "/v1/reviews/claim-next", anna)).toBe(200);
      expect(await send("POST", `/v1/proposals/${id}/cancel`, agent)).toBe(200);
      expect(passedOn).toEqual([]);

      expect(await send("GET", `/v1/proposals/${id}`, null)).toBe(599); // a session's, or nobody's
      expect(await send("GET", "/v1/policy", anna)).toBe(599); // not a direct route
      expect(await send("GET", `/v1/proposals/${id}/`, agent)).toBe(599); // no route: the app's 404
      expect(await send("DELETE", `/v1/proposals/${id}`, agent)).toBe(599);
      expect(passedOn).toEqual([
        `GET /v1/proposals/${id}`,
        "GET /v1/policy",
        `GET /v1/proposals/${id}/`,
        `DELETE /v1/proposals/${id}`,
      ]);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it("stops a long poll whose agent went away", async () => {
    const agent = await direct.key("impatient-bot", "agent");
    const created = await direct.call("POST", "/v1/proposals", { key: agent, body: refund(150) });
    const waiting = () => direct.server.deps.events.waitingOn(created.body.id);
    const gone = new AbortController();
    const polling = fetch(`${direct.url}/v1/proposals/${created.body.id}/decision?wait=30`, {
      headers: { authorization: `Bearer ${agent}` },
      signal: gone.signal,
    }).catch(() => "aborted");
    await until(() => waiting() === 1);
    gone.abort();
    expect(await polling).toBe("aborted");
    await until(() => waiting() === 0);
  });
});

function streamOf(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text.slice(0, 10)));
      controller.enqueue(new TextEncoder().encode(text.slice(10)));
      controller.close();
    },
  });
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
