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
