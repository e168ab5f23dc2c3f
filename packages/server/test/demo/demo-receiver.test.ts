import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DemoReceiver } from "../../src/demo/demo-receiver.ts";
import { webhookSignature } from "../../src/execution/signature.ts";
import { tempDir } from "../cli/run-cli.ts";

const SECRET = `whsec_${Buffer.from("a demo secret of 24 bytes").toString("base64")}`;
const BODY = JSON.stringify({
  type: "action.execute",
  proposalId: "p-1",
  action: { type: "support.reply", payload: { to: "ana@example.com", body: "Hi" } },
  decision: null,
});

function delivery(
  options: { id?: string; secret?: string; timestamp?: number; body?: string } = {},
): Request {
  const id = options.id ?? "msg_1";
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const body = options.body ?? BODY;
  return new Request("http://127.0.0.1/demo/receiver/email", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": webhookSignature(options.secret ?? SECRET, id, timestamp, body),
    },
    body,
  });
}

describe("the demo receiver", () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    dir = await tempDir("loopgate-receiver-");
  });
  afterAll(async () => dir?.cleanup());

  it("records a signed delivery once per webhook-id and keeps it across restarts", async () => {
    const receiver = await DemoReceiver.open(dir.path, SECRET);
    expect((await receiver.fetch(delivery())).status).toBe(200);
    const retry = await receiver.fetch(delivery());
    expect(await retry.json()).toEqual({ ok: true, duplicate: true });
    const reopened = await DemoReceiver.open(dir.path, SECRET);
    expect(reopened.deliveries()).toEqual([
      expect.objectContaining({
        id: "msg_1",
        channel: "email",
        proposalId: "p-1",
        action: { type: "support.reply", payload: { to: "ana@example.com", body: "Hi" } },
      }),
    ]);
    const listed = await reopened.fetch(
      new Request("http://127.0.0.1/demo/receiver/deliveries?channel=email"),
    );
    expect(((await listed.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it("refuses unsigned, wrongly signed, stale and unknown requests", async () => {
    const receiver = await DemoReceiver.open(dir.path, SECRET);
    const unsigned = new Request("http://127.0.0.1/demo/receiver/email", { method: "POST", body: BODY });
    expect((await receiver.fetch(unsigned)).status).toBe(401);
    const forged = await receiver.fetch(delivery({ id: "msg_2", secret: "whsec_b3RoZXI=" }));
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as any).error.code).toBe("bad_signature");
    const stale = await receiver.fetch(
      delivery({ id: "msg_3", timestamp: Math.floor(Date.now() / 1000) - 3600 }),
    );
    expect(((await stale.json()) as any).error.code).toBe("stale_timestamp");
    expect((await receiver.fetch(new Request("http://127.0.0.1/demo/receiver/Nope/x"))).status).toBe(404);
    expect(receiver.deliveries()).toHaveLength(1);
  });
});
