import { timingSafeEqual } from "node:crypto";
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { webhookSignature } from "../execution/signature.ts";

/** Where the demo receiver is mounted in the demo's server. */
export const RECEIVER_PREFIX = "/demo/receiver";

/** One action Loopgate delivered to the receiver: what would have been sent, refunded, frozen or changed. */
export interface Delivery {
  /** The `webhook-id` header: stable for one execution across retries. */
  id: string;
  /**
   * The path segment the executor URL names: `email`, `refunds`, `cards`, `accounts`, or a rollback's
   * `refund-reversal`, `card-unfreeze`, `account-restore`.
   */
  channel: string;
  receivedAt: string;
  proposalId: string | null;
  action: { type: string; payload: Record<string, unknown> } | null;
  decision: { verdict: string; by: unknown; at: string } | null;
}

/** How far a delivery's timestamp may be from the receiver's clock, as Standard Webhooks suggests. */
const TOLERANCE_SECONDS = 300;

/**
 * The demo's stand-in for the systems Loopgate's webhook executors call: an email service, the refunds
 * ledger, card control and the customer database. It checks each delivery's Standard Webhooks signature,
 * records it once per `webhook-id` (a retry answers 200 again without a second record), keeps the records
 * in `deliveries.jsonl` in the data directory, and lists them at `GET /demo/receiver/deliveries`.
 *
 * @example
 * ```ts
 * const receiver = await DemoReceiver.open(".loopgate-demo", "whsec_…");
 * await startServer({ port: 4747, dataDir: ".loopgate-demo", mounts: [{ prefix: RECEIVER_PREFIX, fetch: receiver.fetch }] });
 * ```
 */
export class DemoReceiver {
  readonly #file: string;
  readonly #secret: string;
  readonly #deliveries: Delivery[];
  readonly #seen: Set<string>;
  #writes: Promise<void> = Promise.resolve();

  private constructor(file: string, secret: string, deliveries: Delivery[]) {
    this.#file = file;
    this.#secret = secret;
    this.#deliveries = deliveries;
    this.#seen = new Set(deliveries.map((d) => d.id));
  }

  /** Opens the receiver over the deliveries recorded in `dataDir` so far. */
  static async open(dataDir: string, secret: string): Promise<DemoReceiver> {
    const file = join(dataDir, "deliveries.jsonl");
    let text = "";
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const deliveries = text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Delivery];
        } catch {
          return []; // a line cut short by a crash
        }
      });
    return new DemoReceiver(file, secret, deliveries);
  }

  /** Every delivery so far, oldest first. */
  deliveries(): readonly Delivery[] {
    return this.#deliveries;
  }

  /** The receiver's HTTP handler. */
  readonly fetch = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname.slice(RECEIVER_PREFIX.length);
    if (request.method === "GET" && (path === "/deliveries" || path === "/deliveries/")) {
      const channel = new URL(request.url).searchParams.get("channel");
      const items =
        channel === null ? this.#deliveries : this.#deliveries.filter((d) => d.channel === channel);
      return Response.json({ items: [...items].reverse(), nextCursor: null });
    }
    const channel = /^\/([a-z][a-z-]{0,39})$/.exec(path)?.[1];
    if (request.method !== "POST" || channel === undefined) {
      return problem(
        404,
        "not_found",
        "The demo receiver answers POST /demo/receiver/<channel> and GET /demo/receiver/deliveries",
      );
    }
    const body = await request.text();
    const refused = this.#verify(request.headers, body);
    if (refused !== null) return refused;
    const id = request.headers.get("webhook-id")!;
    if (this.#seen.has(id)) return Response.json({ ok: true, duplicate: true });
    let parsed: Partial<Delivery> & { proposalId?: string };
    try {
      parsed = JSON.parse(body);
    } catch {
      return problem(400, "invalid_json", "The body is not JSON");
    }
    const delivery: Delivery = {
      id,
      channel,
      receivedAt: new Date().toISOString(),
      proposalId: parsed.proposalId ?? null,
      action: parsed.action ?? null,
      decision: parsed.decision ?? null,
    };
    this.#seen.add(id);
    this.#deliveries.push(delivery);
    this.#writes = this.#writes.then(() => appendFile(this.#file, `${JSON.stringify(delivery)}\n`));
    await this.#writes;
    return Response.json({ ok: true, receipt: `${channel}-${this.#deliveries.length}` });
  };

  #verify(headers: Headers, body: string): Response | null {
    const id = headers.get("webhook-id");
    const timestamp = Number(headers.get("webhook-timestamp"));
    const signatures = (headers.get("webhook-signature") ?? "").split(" ").filter((s) => s !== "");
    if (id === null || !Number.isInteger(timestamp) || signatures.length === 0) {
      return problem(401, "unsigned", "Send webhook-id, webhook-timestamp and webhook-signature headers");
    }
    if (Math.abs(Date.now() / 1000 - timestamp) > TOLERANCE_SECONDS) {
      return problem(401, "stale_timestamp", "webhook-timestamp is more than 5 minutes from now");
    }
    const expected = Buffer.from(webhookSignature(this.#secret, id, timestamp, body));
    const valid = signatures.some((s) => {
      const given = Buffer.from(s);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
    return valid ? null : problem(401, "bad_signature", "webhook-signature does not match the body");
  }
}

function problem(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}
