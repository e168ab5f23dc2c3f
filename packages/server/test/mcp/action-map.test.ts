import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpActionMap } from "../../src/mcp/action-map.ts";
import { startTestServer, type TestServer } from "../http/test-server.ts";

const POLICY = `version: 1
actions:
  files.write:
    payload: { type: object }
    execute: { via: agent }
    mcpTool: write_file
  archive.write:
    payload: { type: object }
    execute: { via: agent }
    mcpTool: write_file
    mcpServer: archive
  archive.delete:
    payload: { type: object }
    execute: { via: agent }
    mcpTool: delete_file
    mcpServer: archive
`;

let server: TestServer;
let connection: { url: string; apiKey: string };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "loopgate-action-map-"));
  const file = join(dir, "policy.yaml");
  await writeFile(file, POLICY);
  server = await startTestServer("sqlite", { policyFile: file });
  connection = { url: server.url, apiKey: await server.key("mcp-agent", "agent") };
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the MCP gateway's tool map, scoped by mcpServer", () => {
  it("applies unscoped mappings and ignores those for another server", async () => {
    const map = new McpActionMap(connection, { serverName: "files" });
    expect(await map.actionTypeFor("write_file")).toBe("files.write");
    expect(await map.actionTypeFor("delete_file")).toBeUndefined();
  });

  it("prefers the mapping scoped to its own server over an unscoped one", async () => {
    const map = new McpActionMap(connection, { serverName: "archive" });
    expect(await map.actionTypeFor("write_file")).toBe("archive.write");
    expect(await map.actionTypeFor("delete_file")).toBe("archive.delete");
  });

  it("without a server name applies only unscoped mappings", async () => {
    const map = new McpActionMap(connection);
    expect(await map.actionTypeFor("write_file")).toBe("files.write");
    expect(await map.actionTypeFor("delete_file")).toBeUndefined();
  });
});

describe("refreshing the map", () => {
  it("takes a new policy version within its refresh interval, reading it in the background", async () => {
    const map = new McpActionMap(connection, { ttlMs: 100 });
    expect(await map.actionTypeFor("read_file")).toBeUndefined();
    const owner = await server.key("map-owner", "owner");
    const text = `${POLICY}  files.read:\n    payload: { type: object }\n    execute: { via: agent }\n    mcpTool: read_file\n`;
    const put = await fetch(`${server.url}/v1/policy`, {
      method: "PUT",
      headers: { authorization: `Bearer ${owner}`, "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    expect(put.status).toBe(200);
    let mapped: string | undefined;
    const changedAt = Date.now();
    while (mapped === undefined && Date.now() - changedAt < 5_000) {
      await new Promise((r) => setTimeout(r, 10));
      mapped = await map.actionTypeFor("read_file");
    }
    expect(mapped).toBe("files.read");
    map.close();
  });

  it("keeps the last map when Loopgate cannot be reached, and will not start without one", async () => {
    const reachable = { ...connection };
    const map = new McpActionMap(reachable, { ttlMs: 20 });
    expect(await map.actionTypeFor("write_file")).toBe("files.write");
    reachable.url = "http://127.0.0.1:9";
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 30)); // past twice the interval: the call reads again, and fails
      expect(await map.actionTypeFor("write_file")).toBe("files.write");
    }
    map.close();
    const never = new McpActionMap({ url: "http://127.0.0.1:9", apiKey: "x" });
    await expect(never.actionTypeFor("write_file")).rejects.toThrow(
      /could not read the action types from http:\/\/127\.0\.0\.1:9/,
    );
  });
});
