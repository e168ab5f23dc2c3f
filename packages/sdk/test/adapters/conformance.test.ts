import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Loopgate } from "../../src/client.ts";
import { aiSdkGateTool, aiSdkToolApproval } from "./drivers/ai-sdk.ts";
import { langGraph } from "./drivers/langgraph.ts";
import { mcpGateway } from "./drivers/mcp-gateway.ts";
import { openAiAgents } from "./drivers/openai-agents.ts";
import { type AdapterDriver, type ConformanceEnv, decide, uniqueTag, waitForReview } from "./support.ts";

/**
 * One table of scenarios every framework adapter passes against a real Loopgate server (embedded store,
 * real HTTP, the reviewer deciding through the API): the tool does not run before the decision; approve
 * runs it with the model's arguments; edit runs it with the reviewer's, exactly; reject, request_info
 * and expiry do not run it, and the model reads the reason; while a stop is in force nothing runs, and
 * the held call completes once the stop is lifted.
 */
const DRIVERS: AdapterDriver[] = [aiSdkGateTool, aiSdkToolApproval, openAiAgents, langGraph, mcpGateway];

let env: ConformanceEnv;
let close: () => Promise<void>;

beforeAll(async () => {
  const { startTestServer } = await import("../../../server/test/http/test-server.ts");
  const server = await startTestServer("sqlite", {
    policyFile: new URL("./conformance-policy.yaml", import.meta.url).pathname,
    config: { timerIntervalMs: 100 },
  });
  const retry = { minDelayMs: 5, maxDelayMs: 100 };
  const agentKey = await server.key("conformance-agent", "agent");
  env = {
    url: server.url,
    agentKey,
    ownerKey: await server.key("conformance-owner", "owner"),
    agent: new Loopgate({ url: server.url, apiKey: agentKey, retry }),
    reviewer: new Loopgate({
      url: server.url,
      apiKey: await server.key("conformance-reviewer", "reviewer"),
      retry,
    }),
  };
  close = () => server.close();
});

afterAll(async () => {
  await close?.();
});

describe.each(DRIVERS)("$name", (driver) => {
  beforeAll(async () => driver.setUp?.(env));
  afterAll(async () => driver.tearDown?.());

  it("approve: does not run before the decision, then runs with the model's arguments", async () => {
    const note = uniqueTag("approve");
    const run = driver.start(env, "review", { amount: 42, note });
    const review = await waitForReview(env.reviewer, note);
    expect(review.actionType).toBe("test.refund");
    expect(run.ran).toEqual([]); // proposed and waiting: the tool has not run
    await env.reviewer.decide(review.id, { verdict: "approve" });
    const read = await run.done;
    expect(run.ran).toEqual([{ amount: 42, note }]);
    expect(read).toContain("refunded 42");
  });

  it("edit: runs with exactly the reviewer's arguments", async () => {
    const note = uniqueTag("edit");
    const run = driver.start(env, "review", { amount: 42, note });
    await decide(env, note, {
      verdict: "edit",
      payload: { amount: 40, note },
      category: "wrong_amount",
      comment: "Only one charge",
    });
    const read = await run.done;
    expect(run.ran).toEqual([{ amount: 40, note }]);
    expect(read).toContain("refunded 40");
  });

  it("reject: never runs, and the model reads the reviewer's reason", async () => {
    const note = uniqueTag("reject");
    const run = driver.start(env, "review", { amount: 500, note });
    await decide(env, note, {
      verdict: "reject",
      category: "policy",
      comment: "Refunds over 100 need a manager",
    });
    const read = await run.done;
    expect(run.ran).toEqual([]);
    expect(read).toContain("Refunds over 100 need a manager");
    expect(read).toContain("rejected");
  });

  it("request_info: never runs, and the model reads the reviewer's question", async () => {
    const note = uniqueTag("info");
    const run = driver.start(env, "review", { amount: 42, note });
    await decide(env, note, { verdict: "request_info", comment: "Which order number?" });
    const read = await run.done;
    expect(run.ran).toEqual([]);
    expect(read).toContain("Which order number?");
  });

  it("expiry: no decision before the deadline rejects it; never runs, and the model is told", async () => {
    const note = uniqueTag("expiry");
    const run = driver.start(env, "expiring", { amount: 42, note });
    const read = await run.done;
    expect(run.ran).toEqual([]);
    expect(read).toContain("no one decided before its deadline");
  });

  it("auto: a call the policy auto-approves runs at once, with no review", async () => {
    const note = uniqueTag("auto");
    const run = driver.start(env, "auto", { amount: 1, note });
    const read = await run.done;
    expect(run.ran).toEqual([{ amount: 1, note }]);
    expect(read).toContain("refunded 1");
  });

  it("a stop in force: nothing runs while it holds; lifted, the held call runs once", async () => {
    const stop = await ownerCall(env, "POST", "/v1/stops", {
      scope: { agent: "conformance-agent" },
      reason: `conformance: ${driver.name}`,
    });
    expect(stop.status).toBe(201);
    const note = uniqueTag("stop");
    const run = driver.start(env, "auto", { amount: 3, note });
    const held = await waitForProposal(env, note);
    expect(held.status).toBe("held");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(run.ran).toEqual([]); // routed auto, but held: the tool has not run
    const lifted = await ownerCall(env, "DELETE", `/v1/stops/${(stop.body as { id: string }).id}`);
    expect(lifted.status).toBeLessThan(300);
    const read = await run.done;
    expect(run.ran).toEqual([{ amount: 3, note }]);
    expect(read).toContain("refunded 3");
  });
});

async function ownerCall(env: ConformanceEnv, method: string, path: string, body?: unknown) {
  const response = await fetch(env.url + path, {
    method,
    headers: {
      authorization: `Bearer ${env.ownerKey}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as unknown };
}

/** Waits for the routed proposal whose payload carries `note` (found through the audit's routing entries). */
async function waitForProposal(env: ConformanceEnv, note: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  const seen = new Set<string>();
  for (;;) {
    const page = await ownerCall(env, "GET", "/v1/audit?type=proposal.routed&limit=500");
    for (const entry of (page.body as { items: { proposalId: string | null }[] }).items) {
      if (entry.proposalId === null || seen.has(entry.proposalId)) continue;
      seen.add(entry.proposalId);
      const proposal = await env.reviewer.getProposal(entry.proposalId);
      if (proposal.action.payload.note === note) return proposal;
    }
    if (Date.now() > deadline) throw new Error(`no routed proposal for ${note}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
