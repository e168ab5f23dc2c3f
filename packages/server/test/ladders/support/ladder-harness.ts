import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Role } from "@loopgate/core";
import { createApiKey } from "../../../src/app/api-keys.ts";
import { SYSTEM_ACTOR } from "../../../src/app/principal.ts";
import { type RunningServer, startServer } from "../../../src/http/start-server.ts";
import type { Store } from "../../../src/store/store.ts";

/** The public address deep links point at in these tests. */
export const PUBLIC_URL = "https://loopgate.test";

/** A clock the servers share and the test moves forward. Based on real time, so signatures stay fresh. */
export class TestClock {
  #offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.#offsetMs);
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}

/** A fresh `whsec_` secret, put in the environment under `name` (the policy names it as `env:NAME`). */
export function signingSecret(name: string): string {
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  process.env[name] = secret;
  return secret;
}

/** Writes a policy text to a temporary file and returns its path. */
export async function policyFile(text: string): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "loopgate-ladder-policy-"));
  const path = join(dir, "loopgate.yaml");
  await writeFile(path, text);
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts a server replica on `store`, ticking its timers every 25 ms, with email through `smtpUrl`. */
export async function startReplica(
  store: Store,
  options: { clock: TestClock; policy: string; smtpUrl?: string },
): Promise<RunningServer & { dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), "loopgate-ladder-"));
  const server = await startServer({
    port: 0,
    dataDir,
    store,
    policyFile: options.policy,
    logLevel: "silent",
    now: options.clock.now,
    config: {
      timerIntervalMs: 25,
      publicUrl: PUBLIC_URL,
      smtp: options.smtpUrl === undefined ? null : { url: options.smtpUrl, from: "loopgate@example.com" },
    },
  });
  return {
    ...server,
    dataDir,
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates an API key and returns its secret. */
export async function apiKey(store: Store, name: string, role: Role): Promise<string> {
  const { secret } = await createApiKey(
    store,
    { name, role, actions: null },
    {
      now: () => new Date().toISOString(),
      ids: () => `key_${randomBytes(8).toString("hex")}`,
      actor: SYSTEM_ACTOR,
    },
  );
  return secret;
}

/** Calls the API over HTTP and returns the status and parsed body. */
export async function call(
  url: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(url + path, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? null : JSON.parse(text) };
}
