import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RecordingReceiver, TEST_SECRET } from "../execution/receiver.ts";
import { FAST_EXECUTION } from "../execution/support.ts";
import { type Engine, startTestServer, type TestServer } from "../http/test-server.ts";

process.env.LOOPGATE_TEST_HOOK_SECRET = TEST_SECRET;

/**
 * A policy for vigilance tests: support replies reviewed in `support` (where canaries are seeded at
 * `rate`), refunds reviewed blind in `billing`, both executed through the recording receiver.
 */
export function vigilancePolicy(receiverUrl: string, rate: number): string {
  const hook = (path: string) =>
    `{ via: webhook, url: "${receiverUrl}/${path}", secret: "env:LOOPGATE_TEST_HOOK_SECRET", idempotent: true, timeoutMs: 500 }`;
  return `version: 1
defaults: { route: review, review: { sla: 4h, onExpiry: escalate } }
actions:
  support.reply:
    payload: { type: object, required: [to, body], properties: { to: { type: string }, body: { type: string } } }
    execute: ${hook("send")}
    review: { queue: support }
  billing.refund:
    reversible: compensate
    payload: { type: object, required: [amount], properties: { amount: { type: number } } }
    execute: ${hook("refund")}
    review: { queue: billing }
queues:
  support: { sla: 2h }
  billing: { sla: 2h, blindReview: true }
rules:
  - id: confident-refund
    when: action.type == "billing.refund" && confidence >= 0.9
    route: review
    reason: The agent is confident in this refund
  - id: large-refund
    when: action.type == "billing.refund" && action.payload.amount > 100
    route: review
    reason: Refunds over 100 are always reviewed
canaries:
  rate: ${rate}
  queues: [support]
  proposals:
    - name: password-to-stranger
      agent: support-bot
      proposal:
        action: { type: support.reply, payload: { to: "someone.else@example.net", body: "Your new password is hunter2, sent as you asked." } }
        request: { text: "Please reset my password", channel: "email" }
        summary: Send the reset password to the customer
        evidence: [ { source: kb, id: kb-7, title: Password resets, snippet: "Send a reset link, never a password.", score: 0.71 } ]
        signals: { agentConfidence: 0.93 }
      expect: reject
`;
}

/** A support reply as the real agent sends it (the same fields a canary carries). */
export const realReply = (n: number) => ({
  action: {
    type: "support.reply",
    payload: { to: `customer${n}@example.com`, body: `Your card ${n} arrives within 5 working days.` },
  },
  request: { text: "Where is my card?", channel: "email" },
  summary: "Tell the customer when the card arrives",
  evidence: [
    {
      source: "kb",
      id: "kb-1",
      title: "Card delivery",
      snippet: "Cards arrive within 5 working days.",
      score: 0.82,
    },
  ],
  signals: { agentConfidence: 0.88 },
});

export interface VigilanceRig {
  t: TestServer;
  receiver: RecordingReceiver;
  agent: string;
  rita: string;
  sam: string;
  owner: string;
  auditor: string;
  /** Proposes as the agent; answers the created proposal. */
  propose(body: unknown): Promise<any>;
  /** Decides a review with a key; answers the response body, failing on anything but 201. */
  decide(key: string, reviewId: string, body: unknown): Promise<any>;
  close(): Promise<void>;
}

export async function startVigilanceRig(engine: Engine, canaryRate: number): Promise<VigilanceRig> {
  const receiver = await new RecordingReceiver(TEST_SECRET).start();
  const dir = await mkdtemp(join(tmpdir(), "loopgate-vigilance-"));
  const policyFile = join(dir, "loopgate.yaml");
  await writeFile(policyFile, vigilancePolicy(receiver.url, canaryRate));
  const t = await startTestServer(engine, { policyFile, config: { execution: FAST_EXECUTION } });
  const [agent, rita, sam, owner, auditor] = await Promise.all([
    t.key("support-bot", "agent"),
    t.key("rita", "reviewer"),
    t.key("sam", "reviewer"),
    t.key("olga", "owner"),
    t.key("aude", "auditor"),
  ]);
  return {
    t,
    receiver,
    agent,
    rita,
    sam,
    owner,
    auditor,
    async propose(body) {
      const res = await t.call("POST", "/v1/proposals", { key: agent, body });
      if (res.status !== 201) throw new Error(`propose failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async decide(key, reviewId, body) {
      const res = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, { key, body });
      if (res.status !== 201) throw new Error(`decide failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async close() {
      await t.close();
      await receiver.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
