// biome-ignore-all lint/suspicious/noThenProperty: the fake's rules are written `{ when, then }`, as documented.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Loopgate } from "../src/client.ts";
import {
  ConflictError,
  ForbiddenError,
  GoneError,
  InvalidInputError,
  LoopgateError,
  NetworkError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  ServerError,
  UnauthorizedError,
  UnprocessableError,
} from "../src/errors.ts";
import type { LoopgateOptions } from "../src/options.ts";
import { DecisionTimeoutError } from "../src/wait-errors.ts";
import { reviewOf, SCENARIO_RULES } from "./support/harness.ts";
import {
  type ScriptedServer,
  type ScriptedServerOptions,
  startScriptedServer,
} from "./support/scripted-server.ts";
import { listOf, Proposal, ReviewItem, ReviewListItem } from "./support/wire.ts";

/** The client over real HTTP against the scripted §6 server: headers, retries, long-poll, errors. */

const ACTION = { type: "test.review", payload: { amount: 42 } };
const FAST_RETRY = { minDelayMs: 5, maxDelayMs: 2_000 };

let server: ScriptedServer;
let agent: Loopgate;
let reviewer: Loopgate;

async function start(options: ScriptedServerOptions = SCENARIO_RULES, clientOptions: LoopgateOptions = {}) {
  await server?.close();
  server = await startScriptedServer(options);
  agent = new Loopgate({ url: server.url, apiKey: "agent-key", retry: FAST_RETRY, ...clientOptions });
  reviewer = new Loopgate({ url: server.url, apiKey: "reviewer-key", retry: FAST_RETRY, ...clientOptions });
}

const requestsTo = (method: string, path: RegExp) =>
  server.requests.filter((r) => r.method === method && path.test(r.path));

beforeEach(() => start());
afterEach(() => server.close());

describe("requests", () => {
  it("sends the API key as a bearer token and parses answers as the wire shapes", async () => {
    const proposal = Proposal.parse(await agent.propose({ action: ACTION, summary: "Refund a duplicate" }));
    expect(proposal).toMatchObject({ status: "pending_review", summary: "Refund a duplicate" });
    expect(server.requests[0]?.headers.authorization).toBe("Bearer agent-key");
    expect(server.requests[0]?.headers["content-type"]).toBe("application/json");

    const page = listOf(ReviewListItem).parse(await reviewer.listReviews({ actionType: "test.review" }));
    expect(page.items.map((r) => r.proposalId)).toEqual([proposal.id]);
    expect(page.items[0]?.approvedByCaller).toBe(false);
    expect(server.requests[1]?.query.get("actionType")).toBe("test.review");
  });

  it("refuses a wrong key with UnauthorizedError carrying code and request id", async () => {
    const stranger = new Loopgate({ url: server.url, apiKey: "nope" });
    const error = await stranger.getProposal("p_1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ status: 401, code: "unauthorized", requestId: "req-1" });
  });

  it("reads LOOPGATE_URL and LOOPGATE_API_KEY from the environment", async () => {
    vi.stubEnv("LOOPGATE_URL", `${server.url}/`);
    vi.stubEnv("LOOPGATE_API_KEY", "agent-key");
    try {
      const fromEnv = new Loopgate();
      expect(fromEnv.url).toBe(server.url);
      await fromEnv.propose({ action: ACTION });
      expect(server.requests[0]?.headers.authorization).toBe("Bearer agent-key");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("refuses a URL without its scheme at once, saying what to write", () => {
    expect(() => new Loopgate({ url: "localhost:4747", apiKey: "agent-key" })).toThrow(
      'the Loopgate URL must start with http:// or https:// (got "localhost:4747"): e.g. http://localhost:4747',
    );
  });

  it("forwards a traceparent", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await agent.propose({ action: ACTION }, { traceparent });
    expect(server.requests[0]?.headers.traceparent).toBe(traceparent);
  });

  it("turns a validation failure into InvalidInputError with field paths", async () => {
    const error = await agent.propose({ action: { type: "Not A Type" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).fieldIssues.map((i) => i.path)).toContain("action.type");
  });
});

describe("idempotency and retries", () => {
  it("generates an Idempotency-Key and reuses it on every retry, so only one proposal is made", async () => {
    // A 503, then an answer lost on the way back (the server did make the proposal), then success.
    server.fail("POST", /^\/v1\/proposals$/, { kind: "respond", status: 503 }, { kind: "drop-after" });
    const proposal = await agent.propose({ action: ACTION });

    const keys = requestsTo("POST", /^\/v1\/proposals$/).map((r) => r.headers["idempotency-key"]);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(keys).size).toBe(1);
    expect(server.engine.proposals.map((p) => p.id)).toEqual([proposal.id]);
  });

  it("retries a 504 sent after the work was done with the same key, and gets the original back", async () => {
    server.fail("POST", /^\/v1\/proposals$/, { kind: "respond-after", status: 504 });
    const proposal = await agent.propose({ action: ACTION }, { idempotencyKey: "ticket-812:refund" });
    const keys = requestsTo("POST", /^\/v1\/proposals$/).map((r) => r.headers["idempotency-key"]);
    expect(keys).toEqual(["ticket-812:refund", "ticket-812:refund"]);
    expect(server.engine.proposals).toHaveLength(1);
    expect(server.engine.proposals[0]?.id).toBe(proposal.id);
  });

  it("answers a key reused with a different body with UnprocessableError", async () => {
    await agent.propose({ action: ACTION }, { idempotencyKey: "k1" });
    const error = await agent
      .propose({ action: { ...ACTION, payload: { amount: 43 } } }, { idempotencyKey: "k1" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableError);
    expect(server.engine.proposals).toHaveLength(1);
  });

  it("honours Retry-After on 429", async () => {
    server.fail("GET", /^\/v1\/proposals\/p_1$/, {
      kind: "respond",
      status: 429,
      headers: { "retry-after": "1" },
    });
    await agent.propose({ action: ACTION });
    await agent.getProposal("p_1");
    const [first, second] = requestsTo("GET", /^\/v1\/proposals\/p_1$/);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it("gives up at once when Retry-After is longer than maxDelayMs", async () => {
    server.fail("GET", /^\/v1\/proposals\/p_1$/, {
      kind: "respond",
      status: 429,
      headers: { "retry-after": "120" },
      body: { error: { code: "rate_limited", message: "slow down", requestId: "rq" } },
    });
    const error = await agent.getProposal("p_1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(120_000);
    expect(server.requests).toHaveLength(1);
  });

  it("retries a dropped connection for reads", async () => {
    await agent.propose({ action: ACTION });
    server.fail("GET", /^\/v1\/proposals\/p_1$/, { kind: "drop" }, { kind: "drop" });
    expect((await agent.getProposal("p_1")).id).toBe("p_1");
    expect(requestsTo("GET", /^\/v1\/proposals\/p_1$/)).toHaveLength(3);
  });

  it("does not retry other writes after a 5xx (they may have acted), but does after a 429", async () => {
    const proposal = await agent.propose({ action: ACTION });
    const review = await reviewOf(reviewer, proposal.id);
    const decisions = /^\/v1\/reviews\/[^/]+\/decisions$/;
    server.fail("POST", decisions, { kind: "respond", status: 503 });
    await expect(reviewer.decide(review.id, { verdict: "approve" })).rejects.toBeInstanceOf(ServerError);
    expect(requestsTo("POST", decisions)).toHaveLength(1);

    server.fail("POST", decisions, { kind: "respond", status: 429, headers: { "retry-after": "0" } });
    const result = await reviewer.decide(review.id, { verdict: "approve" });
    expect(result.proposalStatus).toBe("approved");
    expect(requestsTo("POST", decisions)).toHaveLength(3);
  });

  it("stops after `attempts` and throws NetworkError when nothing answers", async () => {
    await server.close();
    const offline = new Loopgate({ url: server.url, retry: { attempts: 2, minDelayMs: 1 } });
    const error = await offline.getProposal("p_1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ status: null, code: "network_error" });
    server = await startScriptedServer();
  });

  it("times a request out after timeoutMs as a NetworkError", async () => {
    await start(SCENARIO_RULES, { timeoutMs: 100, retry: { attempts: 1 } });
    server.fail("GET", /^\/v1\/proposals\/p_1$/, { kind: "delay", ms: 500 });
    const error = await agent.getProposal("p_1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/within 100 ms/);
  });
});

describe("errors from the envelope", () => {
  const envelope = (code: string, details?: unknown) => ({
    error: { code, message: `${code} happened`, details, requestId: "req-x" },
  });

  it.each([
    [
      400,
      InvalidInputError,
      envelope("invalid_input", { issues: [{ path: "action.type", message: "required" }] }),
    ],
    [401, UnauthorizedError, envelope("unauthorized")],
    [403, ForbiddenError, envelope("forbidden")],
    [404, NotFoundError, envelope("not_found")],
    [409, ConflictError, envelope("conflict", { winner: { status: "approved" } })],
    [410, GoneError, envelope("review_expired")],
    [413, PayloadTooLargeError, envelope("payload_too_large")],
    [422, UnprocessableError, envelope("idempotency_key_reused")],
    [429, RateLimitedError, envelope("rate_limited")],
    [500, ServerError, envelope("internal")],
    [418, LoopgateError, envelope("teapot")],
  ] as const)("%i → %o", async (status, Type, body) => {
    await start(SCENARIO_RULES, { retry: { attempts: 1 } });
    server.fail("GET", /^\/v1\/proposals\/p_1$/, { kind: "respond", status, body });
    const error = await agent.getProposal("p_1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Type);
    expect(error).toMatchObject({
      status,
      code: body.error.code,
      message: body.error.message,
      details: body.error.details,
      requestId: "req-x",
    });
    if (error instanceof InvalidInputError)
      expect(error.fieldIssues).toEqual([{ path: "action.type", message: "required" }]);
    if (error instanceof ConflictError) expect(error.winner).toEqual({ status: "approved" });
  });

  it("names the status when the body is not an envelope", async () => {
    await start(SCENARIO_RULES, { retry: { attempts: 1 } });
    server.fail("GET", /^\/v1\/proposals\/p_1$/, { kind: "respond", status: 502, body: "Bad Gateway" });
    const error = await agent.getProposal("p_1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 502, code: "http_502", requestId: "req-1" });
  });

  it("gives a ConflictError with the winning state when deciding a decided review", async () => {
    const proposal = await agent.propose({ action: ACTION });
    const review = await reviewOf(reviewer, proposal.id);
    await reviewer.decide(review.id, { verdict: "approve" });
    const error = await reviewer.decide(review.id, { verdict: "reject" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: "already_decided" });
    expect((error as ConflictError).winner).toMatchObject({
      status: "approved",
      decision: { verdict: "approve" },
    });
  });
});

describe("waitForDecision", () => {
  it("long-polls with wait ≤ 30 s until the decision", async () => {
    await start({ ...SCENARIO_RULES, maxHoldMs: 100 });
    const proposal = await agent.propose({ action: ACTION });
    const decided = agent.waitForDecision(proposal.id);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const review = await reviewOf(reviewer, proposal.id);
    await reviewer.decide(review.id, { verdict: "approve" });

    expect(Proposal.parse(await decided).status).toBe("approved");
    const polls = requestsTo("GET", /\/decision$/);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(polls.map((r) => r.query.get("wait"))).toContain("30");
    expect(polls.every((r) => Number(r.query.get("wait")) <= 30)).toBe(true);
  });

  it("returns as soon as the decision lands, within one poll", async () => {
    const proposal = await agent.propose({ action: ACTION });
    const decided = agent.waitForDecision(proposal.id);
    const review = await reviewOf(reviewer, proposal.id);
    await reviewer.decide(review.id, { verdict: "reject", comment: "no" });
    expect((await decided).status).toBe("rejected");
    expect(requestsTo("GET", /\/decision$/)).toHaveLength(1);
  });

  it("returns at needs_info, the agent's turn", async () => {
    const proposal = await agent.propose({ action: ACTION });
    const review = await reviewOf(reviewer, proposal.id);
    await reviewer.decide(review.id, { verdict: "request_info", comment: "Which order?" });
    expect((await agent.waitForDecision(proposal.id)).status).toBe("needs_info");
    const revised = await agent.provideInfo(proposal.id, { message: "Order 4411" });
    expect(Proposal.parse(revised)).toMatchObject({ revision: 2, status: "pending_review" });
  });

  it("throws DecisionTimeoutError with the last proposal when time runs out", async () => {
    const proposal = await agent.propose({ action: ACTION });
    const started = Date.now();
    const error = await agent.waitForDecision(proposal.id, { timeoutMs: 1_500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecisionTimeoutError);
    expect((error as DecisionTimeoutError).proposal).toMatchObject({
      id: proposal.id,
      status: "pending_review",
    });
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(requestsTo("GET", /\/decision$/).map((r) => r.query.get("wait"))).toEqual(["1", "0"]);
  });

  it("stops when the signal aborts", async () => {
    const proposal = await agent.propose({ action: ACTION });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user left")), 100);
    await expect(agent.waitForDecision(proposal.id, { signal: controller.signal })).rejects.toThrow(
      "user left",
    );
  });
});

describe("reviewer calls", () => {
  it("claims, releases and cancels with the wire shapes", async () => {
    const proposal = await agent.propose({ action: ACTION });
    const review = await reviewOf(reviewer, proposal.id);
    const claimed = ReviewItem.parse(await reviewer.claim(review.id, { leaseSeconds: 60 }));
    expect(claimed.claim?.by.id).toBeDefined();
    expect(ReviewItem.parse(await reviewer.release(review.id)).claim).toBeNull();
    expect((await agent.cancel(proposal.id)).status).toBe("cancelled");
    await expect(agent.cancel(proposal.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it("claims the next review with its packet, and approves with the packet's hash", async () => {
    const proposal = await agent.propose({ action: ACTION });
    let next = await reviewer.claimNext();
    // Earlier tests may have left reviews waiting: take them in order until this one comes up.
    while (next.review !== null && next.review.proposalId !== proposal.id) {
      await reviewer.release(next.review.id);
      await reviewer.decide(next.review.id, { verdict: "reject", category: "test_cleanup" });
      next = await reviewer.claimNext();
    }
    expect(ReviewItem.parse(next.review).claim?.by.id).toBeDefined();
    expect(Proposal.parse(next.proposal).id).toBe(proposal.id);
    const decided = await reviewer.decide(next.review!.id, {
      verdict: "approve",
      packetHash: next.proposal!.packetHash,
    });
    expect(decided.proposalStatus).toBe("approved");
  });

  it("refuses reviewer calls made with an agent key", async () => {
    await expect(agent.listReviews()).rejects.toBeInstanceOf(ForbiddenError);
  });
});
