import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One request a receiver got, with its Standard Webhooks signature checked against the secret. */
export interface ReceivedWebhook {
  id: string | null;
  timestamp: string | null;
  /** Whether `webhook-signature` is a valid v1 signature of `id.timestamp.body` (false without a secret). */
  signatureValid: boolean;
  status: number;
  body: any;
}

/**
 * An HTTP receiver that records every request. With a `whsec_` secret it verifies each request's
 * signature independently of Loopgate's code; `failFirst` answers the first n requests with 500.
 */
export async function startWebhookReceiver(options: { secret?: string; failFirst?: number } = {}) {
  const received: ReceivedWebhook[] = [];
  let failures = options.failFirst ?? 0;
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const id = header(request, "webhook-id");
    const timestamp = header(request, "webhook-timestamp");
    const signature = header(request, "webhook-signature");
    const signatureValid =
      options.secret !== undefined && id !== null && timestamp !== null && signature !== null
        ? verify(options.secret, id, timestamp, body, signature)
        : false;
    const status = failures > 0 ? 500 : 200;
    if (failures > 0) failures--;
    received.push({ id, timestamp, signatureValid, status, body: JSON.parse(body) });
    response.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    /** Requests answered 200. */
    accepted: () => received.filter((r) => r.status === 200),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A mail an SMTP receiver accepted. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  messageId: string;
  raw: string;
}

/** A local SMTP server (the `smtp-server` package) that accepts every mail and records it. */
export async function startSmtpReceiver() {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        raw += chunk;
      });
      stream.on("end", () => {
        const head = raw.split(/\r?\n\r?\n/)[0] ?? "";
        const field = (name: string) =>
          new RegExp(`^${name}: (.*(?:\\r?\\n[ \\t].*)*)`, "im")
            .exec(head)?.[1]
            ?.replace(/\r?\n[ \t]/g, " ") ?? "";
        mails.push({
          from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: field("Subject"),
          messageId: field("Message-ID"),
          raw: raw.replace(/=\r?\n/g, ""),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function verify(secret: string, id: string, timestamp: string, body: string, header: string): boolean {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  return header.split(" ").some((part) => {
    const [version, value] = part.split(",");
    if (version !== "v1" || value === undefined) return false;
    const given = Buffer.from(value, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return typeof value === "string" ? value : null;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
