import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/app/api-keys.ts";
import { SYSTEM_ACTOR } from "../../src/app/principal.ts";
import { startCluster } from "../../src/cluster/start-cluster.ts";
import type { RunningServer } from "../../src/http/start-server.ts";
import { verifiedAuditChain } from "../support/audit-chain.ts";
import { POLICY } from "./test-server.ts";

const proposal = (n: number) => ({
  action: {
    type: "support.reply",
    payload: { to: "anna@example.com", body: `Your card arrives soon (${n}).` },
  },
  request: { text: "Where is my card?", channel: "email" },
  summary: "Tell the customer when the card arrives",
  evidence: [{ source: "kb", id: "kb-1", snippet: "Cards arrive within 5 working days." }],
  signals: { agentConfidence: 0.8 },
});

describe("loopgate serve --workers 2 on the embedded store", () => {
  let dataDir: string;
  let server: RunningServer;
  let agent: string;
  let owner: string;
  // Eight keep-alive connections: node:cluster hands each to one of the workers.
  const dispatcher = new Agent({ connections: 8, pipelining: 1 });

  const call = async (
    method: "GET" | "POST" | "PUT",
    path: string,
    key: string,
    body?: unknown,
    idem?: string,
  ) => {
    const res = await request(server.url + path, {
      method,
      dispatcher,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(idem === undefined ? {} : { "idempotency-key": idem }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text, body: JSON.parse(text) };
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "loopgate-cluster-"));
    server = await startCluster({ port: 0, dataDir, policyFile: POLICY, logLevel: "silent", workers: 2 });
    const deps = { now: () => new Date().toISOString(), ids: server.deps.newId, actor: SYSTEM_ACTOR };
    agent = (await createApiKey(server.deps.store, { name: "bot", role: "agent" }, deps)).secret;
    owner = (await createApiKey(server.deps.store, { name: "olivia", role: "owner" }, deps)).secret;
  });
  afterAll(async () => {
    await dispatcher.close();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("serves from both workers, answers replays identically, and keeps one chain", async () => {
    const first = await Promise.all(
      Array.from({ length: 60 }, (_, n) => call("POST", "/v1/proposals", agent, proposal(n), `k-${n}`)),
    );
    expect(first.map((r) => r.status)).toEqual(Array(60).fill(201));
    // Request ids start with the id of the process that answered.
    const processes = new Set(first.map((r) => String(r.headers["x-request-id"]).split("-")[0]));
    expect(processes.size).toBe(2);

    const replays = await Promise.all(
      Array.from({ length: 20 }, (_, n) => call("POST", "/v1/proposals", agent, proposal(n), `k-${n}`)),
    );
    replays.forEach((replay, n) => {
      expect(replay.status).toBe(201);
      expect(replay.headers["idempotent-replayed"]).toBe("true");
      expect(replay.text).toBe(first[n]!.text);
    });
    const reused = await call("POST", "/v1/proposals", agent, proposal(999), "k-0");
    expect(reused.status).toBe(422);

    const chain = await verifiedAuditChain(server.deps.store);
    const submitted = chain.filter((e) => e.type === "proposal.submitted").map((e) => e.proposalId);
    expect(new Set(submitted)).toEqual(new Set(first.map((r) => r.body.id)));
    expect(submitted).toHaveLength(60);
  });

  it("relays change events between workers: every event stream hears of every proposal", async () => {
    // Eight streams over eight connections: node:cluster spreads connections over both workers.
    const streams = new Agent({ connections: 8, pipelining: 1 });
    const opened = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const res = await request(`${server.url}/v1/events`, {
          dispatcher: streams,
          headers: { authorization: `Bearer ${owner}` },
        });
        return { body: res.body, process: String(res.headers["x-request-id"]).split("-")[0] };
      }),
    );
    expect(new Set(opened.map((s) => s.process)).size).toBe(2);
    let id: string | null = null;
    const heard = opened.map(async ({ body }) => {
      let text = "";
      for await (const chunk of body) {
        text += String(chunk);
        if (id !== null && text.includes(id)) return text;
      }
      return text;
    });
    // Each stream has said it is ready before the proposal is made.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const created = await call("POST", "/v1/proposals", agent, proposal(500), "k-500");
    expect(created.status).toBe(201);
    id = created.body.id as string;
    for (const text of await Promise.all(heard)) {
      expect(text).toContain("event: proposal.created");
      expect(text).toContain(created.body.id);
    }
    for (const { body } of opened) body.destroy();
    await streams.destroy();
  });

  it("relays a new policy version to every worker", async () => {
    const text = `${await readFile(POLICY, "utf8")}\n# version two\n`;
    const put = await call("PUT", "/v1/policy", owner, { text });
    expect(put.status).toBe(200);
    const version = (await call("GET", "/v1/policy", owner)).body.version;
    expect(version).toBe(2);
    // The event reaches the other worker through the primary, which then reads the new version.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const routed = await Promise.all(
      Array.from({ length: 16 }, (_, n) => call("POST", "/v1/proposals", agent, proposal(100 + n))),
    );
    expect(routed.map((r) => r.body.route.policyVersion)).toEqual(Array(16).fill(2));
  });
});
