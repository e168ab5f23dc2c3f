import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One delivery as the receiver saw it. */
export interface Delivery {
  /** When the request arrived (ms since the epoch), before it was answered. */
  at: number;
  path: string;
  webhookId: string;
  timestamp: string;
  signature: string;
  idempotencyKey: string;
  traceparent: string | null;
  body: any;
  /** Whether the signature verified with the receiver's secret. */
  signatureValid: boolean;
  /** What the receiver did. */
  answer: string;
}

/** How to answer one delivery: a status (with headers), hold it past any timeout, or cut the connection. */
export type Answer =
  | { status: number; headers?: Record<string, string>; delayMs?: number }
  | "stall"
  | "reset";

/**
 * A webhook executor for tests: a real HTTP server that records every delivery, verifies its Standard
 * Webhooks signature, and counts effects per idempotency key (it dedups, as a careful receiver does).
 */
export class RecordingReceiver {
  readonly deliveries: Delivery[] = [];
  /** Effects applied, per idempotency key: a careful receiver applies each key once. */
  readonly effects = new Map<string, number>();
  answer: (delivery: Delivery, nth: number) => Answer = () => ({ status: 200 });
  #server: Server | null = null;
  readonly #stalled = new Set<ServerResponse>();

  constructor(readonly secret: string) {}

  get url(): string {
    const address = this.#server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async start(port = 0): Promise<this> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(port, "127.0.0.1", resolve));
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.#stalled) res.destroy();
    await new Promise<void>((resolve) => {
      this.#server?.close(() => resolve());
      this.#server?.closeAllConnections();
    });
  }

  /** Deliveries of one webhook-id, in arrival order. */
  of(webhookId: string): Delivery[] {
    return this.deliveries.filter((d) => d.webhookId === webhookId);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const header = (name: string) => (req.headers[name] as string | undefined) ?? "";
    const webhookId = header("webhook-id");
    const timestamp = header("webhook-timestamp");
    const key = Buffer.from(this.secret.replace(/^whsec_/, ""), "base64");
    const expected = `v1,${createHmac("sha256", key).update(`${webhookId}.${timestamp}.${text}`).digest("base64")}`;
    const delivery: Delivery = {
      at: Date.now(),
      path: req.url ?? "/",
      webhookId,
      timestamp,
      signature: header("webhook-signature"),
      idempotencyKey: header("idempotency-key"),
      traceparent: (req.headers.traceparent as string | undefined) ?? null,
      body: JSON.parse(text),
      signatureValid: header("webhook-signature") === expected,
      answer: "",
    };
    this.deliveries.push(delivery);
    const answer = this.answer(delivery, this.of(webhookId).length);
    if (answer === "stall") {
      delivery.answer = "stall";
      this.#stalled.add(res);
      return;
    }
    if (answer === "reset") {
      delivery.answer = "reset";
      req.socket.destroy();
      return;
    }
    delivery.answer = String(answer.status);
    if (answer.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (answer.status >= 200 && answer.status < 300 && delivery.signatureValid) {
      this.effects.set(delivery.idempotencyKey, 1); // dedup on the key: applied once however often it comes
    }
    res.writeHead(answer.status, answer.headers ?? {});
    res.end();
  }
}

/** A Standard Webhooks secret for tests. */
export const TEST_SECRET = `whsec_${Buffer.from("loopgate-test-secret-0123456789ab").toString("base64")}`;

/** A policy whose action types execute through the receiver. */
export function executionPolicy(
  receiverUrl: string,
  options: { timeoutMs?: number; attempts?: number } = {},
): string {
  const timeout = options.timeoutMs ?? 500;
  const attempts = options.attempts ?? 3;
  return `version: 1
defaults:
  route: review
  review: { sla: 4h, onExpiry: escalate }
actions:
  ledger.post:
    reversible: true
    payload: { type: object, required: [amount], properties: { amount: { type: number } } }
    execute: { via: webhook, url: "${receiverUrl}/ledger", secret: "env:LOOPGATE_TEST_HOOK_SECRET", idempotent: true, timeoutMs: ${timeout}, retry: { attempts: ${attempts} } }
    rollback: { via: webhook, url: "${receiverUrl}/ledger/undo", secret: "env:LOOPGATE_TEST_HOOK_SECRET", idempotent: true, timeoutMs: ${timeout} }
    review: { queue: ops }
  mail.send:
    reversible: false
    payload: { type: object }
    execute: { via: webhook, url: "${receiverUrl}/mail", secret: "env:LOOPGATE_TEST_HOOK_SECRET", idempotent: false, timeoutMs: ${timeout} }
    review: { queue: ops }
  billing.refund:
    reversible: compensate
    payload: { type: object, required: [amount], properties: { amount: { type: number } } }
    execute: { via: agent }
    review: { queue: billing }
  doc.publish:
    reversible: true
    payload: { type: object }
    execute: { via: webhook, url: "${receiverUrl}/publish", secret: "env:LOOPGATE_TEST_HOOK_SECRET", idempotent: true, timeoutMs: ${timeout} }
    rollback: { via: webhook, url: "${receiverUrl}/unpublish", secret: "env:LOOPGATE_TEST_HOOK_SECRET", idempotent: true, timeoutMs: ${timeout} }
    review: { queue: ops }
    autonomy: post_review
rules:
  - id: small-ledger-auto
    when: action.type == "ledger.post" && action.payload.amount < 10
    route: auto
`;
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
