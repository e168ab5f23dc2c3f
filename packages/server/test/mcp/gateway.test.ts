import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Loopgate } from "@loopgate/sdk";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpActionMap } from "../../src/mcp/action-map.ts";
import { createMcpGateway } from "../../src/mcp/gateway.ts";
import { connectUpstream } from "../../src/mcp/upstream.ts";
import { startTestServer, type TestServer } from "../http/test-server.ts";

/** The real, unmodified filesystem MCP server, run as the gateway's upstream over stdio. */
export const FILESYSTEM_SERVER = createRequire(import.meta.url).resolve(
  "@modelcontextprotocol/server-filesystem/dist/index.js",
);
const POLICY = new URL("../../../../examples/mcp-gateway/policy.yaml", import.meta.url).pathname;

let server: TestServer;
let dir: string;
let upstream: Client;
let reviewer: Loopgate;

/** A client talking to a fresh gateway (in this process) in front of the shared upstream. */
async function gatewayClient(waitMs = 10_000): Promise<Client> {
  const connection = { url: server.url, apiKey: await server.key(`mcp-agent-${waitMs}`, "agent") };
  const gateway = createMcpGateway({
    upstream,
    loopgate: new Loopgate(connection),
    actions: new McpActionMap(connection),
    waitMs,
    log: () => {},
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await gateway.connect(serverSide);
  const client = new Client({ name: "test-client", version: "1" });
  await client.connect(clientSide);
  return client;
}

async function openReview(pathInPayload: string) {
  for (let i = 0; i < 500; i++) {
    for (const review of (await reviewer.listReviews({ limit: 500 })).items) {
      const proposal = await reviewer.getProposal(review.proposalId);
      if (proposal.action.payload.path === pathInPayload) return review;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no review for ${pathInPayload}`);
}

function text(result: unknown): string {
  const content = (result as { content: { type: string; text?: string }[] }).content;
  return content.map((c) => c.text ?? "").join("\n");
}

beforeAll(async () => {
  server = await startTestServer("sqlite", { policyFile: POLICY });
  dir = await mkdtemp(join(tmpdir(), "loopgate-mcp-"));
  upstream = await connectUpstream(`${process.execPath} ${FILESYSTEM_SERVER} ${dir}`);
  reviewer = new Loopgate({ url: server.url, apiKey: await server.key("anna", "reviewer") });
});

afterAll(async () => {
  await upstream?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("loopgate mcp gateway in front of @modelcontextprotocol/server-filesystem", () => {
  it("lists the upstream's tools unchanged", async () => {
    const client = await gatewayClient();
    expect(await client.listTools()).toEqual(await upstream.listTools());
  });

  it("write_file waits for review and writes only after approval", async () => {
    const client = await gatewayClient();
    const path = join(dir, "approved.txt");
    const call = client.callTool({ name: "write_file", arguments: { path, content: "hello" } });
    const review = await openReview(path);
    expect(existsSync(path)).toBe(false); // nothing written while it waits
    await reviewer.decide(review.id, { verdict: "approve" });
    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(await readFile(path, "utf8")).toBe("hello");
  });

  it("an edit writes the reviewer's content, exactly", async () => {
    const client = await gatewayClient();
    const path = join(dir, "edited.txt");
    const call = client.callTool({ name: "write_file", arguments: { path, content: "Dear sir, no." } });
    const review = await openReview(path);
    await reviewer.decide(review.id, { verdict: "edit", payload: { path, content: "Dear Ada, yes." } });
    expect((await call).isError).toBeFalsy();
    expect(await readFile(path, "utf8")).toBe("Dear Ada, yes.");
  });

  it("a rejected call returns an MCP error result carrying the reviewer's reason; nothing is written", async () => {
    const client = await gatewayClient();
    const path = join(dir, "rejected.txt");
    const call = client.callTool({ name: "write_file", arguments: { path, content: "rm -rf" } });
    const review = await openReview(path);
    await reviewer.decide(review.id, {
      verdict: "reject",
      category: "unsafe",
      comment: "Never write scripts here",
    });
    const result = await call;
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("Never write scripts here");
    expect(existsSync(path)).toBe(false);
  });

  it("read_text_file, routed auto by the policy, passes through", async () => {
    const path = join(dir, "note.txt");
    await writeFile(path, "from disk");
    const client = await gatewayClient();
    const result = await client.callTool({ name: "read_text_file", arguments: { path } });
    expect(result).toEqual(await upstream.callTool({ name: "read_text_file", arguments: { path } }));
    expect(text(result)).toBe("from disk");
  });

  it("bad arguments get the upstream's own validation error, unchanged, and no proposal", async () => {
    const client = await gatewayClient();
    const before = (await reviewer.listReviews({ limit: 500 })).items.length;
    const bad = { path: join(dir, "bad.txt") }; // no content
    const result = await client.callTool({ name: "write_file", arguments: bad });
    expect(result).toEqual(await upstream.callTool({ name: "write_file", arguments: bad }));
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("Input validation error");
    expect((await reviewer.listReviews({ limit: 500 })).items.length).toBe(before);
  });

  it("still pending at --wait: an error result naming the proposal; nothing is written", async () => {
    const client = await gatewayClient(300);
    const path = join(dir, "later.txt");
    const result = await client.callTool({ name: "write_file", arguments: { path, content: "later" } });
    expect(result.isError).toBe(true);
    const review = await openReview(path);
    expect(text(result)).toContain(review.proposalId);
    expect(existsSync(path)).toBe(false);
  });
});
