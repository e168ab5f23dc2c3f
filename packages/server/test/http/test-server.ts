import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Role } from "@loopgate/core";
import { createApiKey } from "../../src/app/api-keys.ts";
import { SYSTEM_ACTOR } from "../../src/app/principal.ts";
import { type RunningServer, type ServerOptions, startServer } from "../../src/http/start-server.ts";
import { createTestStore, type StoreEngine, storeEngines } from "../support/stores.ts";

export type Engine = StoreEngine;

export const POLICY = join(import.meta.dirname, "fixtures", "gate-policy.yaml");

export interface TestServer {
  url: string;
  server: RunningServer;
  dataDir: string;
  /** Creates an API key and returns its secret. */
  key(name: string, role: Role, actions?: string[]): Promise<string>;
  /** Calls the API over real HTTP and returns status, headers and the parsed JSON body. */
  call(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

/** Starts a real server on a loopback port over a fresh store of the given engine. */
export async function startTestServer(
  engine: Engine,
  options: Partial<ServerOptions> = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), "loopgate-http-"));
  const testStore = await createTestStore(engine);
  const server = await startServer({
    port: 0,
    dataDir,
    store: testStore.store,
    policyFile: POLICY,
    logLevel: "silent",
    ...options,
  });
  return {
    url: server.url,
    server,
    dataDir,
    async key(name, role, actions) {
      const { secret } = await createApiKey(
        server.deps.store,
        { name, role, actions: actions ?? null },
        { now: () => new Date().toISOString(), ids: server.deps.newId, actor: SYSTEM_ACTOR },
      );
      return secret;
    },
    async call(method, path, { key, body, raw, headers } = {}) {
      const response = await fetch(server.url + path, {
        method,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body !== undefined || raw !== undefined ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === "" ? null : JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async close() {
      await server.close();
      await testStore.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The engines to run HTTP suites on: PostgreSQL only when a test cluster is available. */
export const engines = storeEngines;
