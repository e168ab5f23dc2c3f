import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerOptions } from "../../src/http/start-server.ts";
import { type Engine, startTestServer, type TestServer } from "../http/test-server.ts";
import { executionPolicy, RecordingReceiver, TEST_SECRET } from "./receiver.ts";

process.env.LOOPGATE_TEST_HOOK_SECRET = TEST_SECRET;

/** Short delays so retry tests run in milliseconds: the policy's shape, at test speed. */
export const FAST_EXECUTION = { pollMs: 25, retryBaseMs: 20, retryMaxMs: 200 };

export interface ExecutionRig {
  api: TestServer;
  receiver: RecordingReceiver;
  agent: string;
  reviewer: string;
  owner: string;
  /** Proposes an action and returns the response body. */
  propose(type: string, payload: Record<string, unknown>, headers?: Record<string, string>): Promise<any>;
  /** Proposes an action that goes to review and approves it; returns the proposal id. */
  approved(type: string, payload: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** A receiver and a real server whose policy executes through it. */
export async function startExecutionRig(
  engine: Engine,
  options: { timeoutMs?: number; attempts?: number; server?: Partial<ServerOptions> } = {},
): Promise<ExecutionRig> {
  const receiver = await new RecordingReceiver(TEST_SECRET).start();
  const dir = await mkdtemp(join(tmpdir(), "loopgate-exec-policy-"));
  const policyFile = join(dir, "loopgate.yaml");
  await writeFile(policyFile, executionPolicy(receiver.url, options));
  const api = await startTestServer(engine, {
    ...options.server,
    policyFile,
    config: { execution: FAST_EXECUTION, ...options.server?.config },
  });
  const [agent, reviewer, owner] = await Promise.all([
    api.key("ops-bot", "agent"),
    api.key("rita", "reviewer"),
    api.key("olga", "owner"),
  ]);
  const propose = async (
    type: string,
    payload: Record<string, unknown>,
    headers?: Record<string, string>,
  ) => {
    const res = await api.call("POST", "/v1/proposals", {
      key: agent,
      body: { action: { type, payload } },
      ...(headers ? { headers } : {}),
    });
    if (res.status !== 201) throw new Error(`propose failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  return {
    api,
    receiver,
    agent,
    reviewer,
    owner,
    propose,
    async approved(type, payload) {
      const proposal = await propose(type, payload);
      const res = await api.call("POST", `/v1/reviews/${proposal.review.id}/decisions`, {
        key: reviewer,
        body: { verdict: "approve" },
      });
      if (res.status !== 201) throw new Error(`decide failed: ${res.status} ${JSON.stringify(res.body)}`);
      return proposal.id;
    },
    async close() {
      await api.close();
      await receiver.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
