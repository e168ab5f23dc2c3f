import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Loopgate } from "@loopgate/sdk";
import { Client, type ClientOptions } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { McpActionMap } from "../../src/mcp/action-map.ts";
import { createMcpGateway, type McpGatewayOptions } from "../../src/mcp/gateway.ts";
import { startTestServer, type TestServer } from "../http/test-server.ts";

/** Notes: reads run (`auto`), writes wait for a person in the `notes` queue. */
export const NOTES_POLICY = `version: 1
defaults: { route: review, review: { sla: 1h, onExpiry: reject } }
actions:
  notes.read:
    payload: { type: object, required: [name], properties: { name: { type: string } } }
    execute: { via: agent }
    mcpTool: read_note
  notes.write:
    payload: { type: object, required: [name, text], properties: { name: { type: string }, text: { type: string } } }
    execute: { via: agent }
    mcpTool: write_note
    review: { queue: notes }
rules:
  - { id: reads-run, when: 'action.type == "notes.read"', route: auto, reason: Reading changes nothing }
`;

/** A Loopgate server on the notes policy, with the keys the tests use. */
export interface NotesWorld {
  server: TestServer;
  agentKey: string;
  auditorKey: string;
  reviewerKey: string;
  close(): Promise<void>;
}

export async function startNotesWorld(): Promise<NotesWorld> {
  const dir = await mkdtemp(join(tmpdir(), "loopgate-mcp-notes-"));
  const policyFile = join(dir, "policy.yaml");
  await writeFile(policyFile, NOTES_POLICY);
  const server = await startTestServer("sqlite", { policyFile });
  return {
    server,
    agentKey: await server.key("notes-agent", "agent"),
    auditorKey: await server.key("notes-auditor", "auditor"),
    reviewerKey: await server.key("notes-reviewer", "reviewer"),
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * An upstream MCP server with `read_note` and `write_note` over an in-memory map. `onCall` runs inside
 * each call before it answers, so a test can look at Loopgate's state at the moment a call arrives.
 */
export function notesUpstream(
  notes: Map<string, string>,
  onCall: (tool: string) => Promise<void> = async () => {},
) {
  const server = new McpServer({ name: "notes", version: "1" });
  server.registerTool(
    "read_note",
    { description: "Read a note", inputSchema: { name: z.string() } },
    async ({ name }) => {
      await onCall("read_note");
      const text = notes.get(name);
      return text === undefined
        ? { isError: true, content: [{ type: "text", text: `no note ${name}` }] }
        : { content: [{ type: "text", text }] };
    },
  );
  server.registerTool(
    "write_note",
    { description: "Write a note", inputSchema: { name: z.string(), text: z.string() } },
    async ({ name, text }) => {
      await onCall("write_note");
      notes.set(name, text);
      return { content: [{ type: "text", text: `wrote ${name}` }] };
    },
  );
  return server;
}

/** Connects a client to an MCP server in this process; `seen` records every message the client receives. */
export async function linkedClient(
  server: { connect(transport: InMemoryTransport): Promise<void> },
  options: ClientOptions = {},
): Promise<{ client: Client; seen: JSONRPCMessage[] }> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "test-client", version: "1" }, options);
  await client.connect(clientSide);
  const seen: JSONRPCMessage[] = [];
  const deliver = clientSide.onmessage;
  clientSide.onmessage = (message, extra) => {
    seen.push(message);
    deliver?.(message, extra);
  };
  return { client, seen };
}

/** A gateway in this process in front of `upstream`, and a client connected to it. */
export async function gatewayFor(
  world: NotesWorld,
  upstream: McpServer,
  loopgate: Loopgate,
  options: Partial<McpGatewayOptions> = {},
  clientOptions: ClientOptions = {},
) {
  const { client: upstreamClient } = await linkedClient(upstream);
  const connection = { url: world.server.url, apiKey: world.agentKey };
  const gateway = createMcpGateway({
    upstream: upstreamClient,
    loopgate,
    actions: new McpActionMap(connection),
    waitMs: 10_000,
    log: () => {},
    ...options,
  });
  return { gateway, ...(await linkedClient(gateway, clientOptions)) };
}

/** Audit entries of one type, oldest first. */
export async function auditOf(world: NotesWorld, type: string): Promise<{ proposalId: string; data: any }[]> {
  const { body } = await world.server.call("GET", `/v1/audit?type=${type}&limit=500`, {
    key: world.auditorKey,
  });
  return body.items;
}
