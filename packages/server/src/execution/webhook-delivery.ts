import http from "node:http";
import https from "node:https";

/** One POST to an executor. */
export interface DeliveryRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/**
 * How an attempt ended, as far as Loopgate can tell:
 * - `answered`: the executor answered with `status` (2xx is success);
 * - `not_sent`: no connection was made (refused, unknown host): the executor cannot have acted;
 * - `unclear`: the request may have reached the executor but no answer came (timeout, connection
 *   reset after sending): it may or may not have acted.
 */
export type DeliveryOutcome =
  | { kind: "answered"; status: number; retryAfter: string | null }
  | { kind: "not_sent"; error: string }
  | { kind: "unclear"; error: string };

/** The most of a response body read (and thrown away); executors answer with a status. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs one delivery and reports its outcome; never throws. The whole attempt (connect, send,
 * answer) must finish within `timeoutMs`. A fresh connection is used for every attempt so that a
 * connection reset can be told apart from a stale pooled socket.
 */
export function deliver(request: DeliveryRequest): Promise<DeliveryOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let connected = false;
    const done = (outcome: DeliveryOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const url = new URL(request.url);
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(url, {
      method: "POST",
      agent: false,
      headers: {
        ...request.headers,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(request.body)),
      },
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${request.timeoutMs} ms`));
    }, request.timeoutMs);
    req.on("socket", (socket) => {
      if (!socket.connecting) connected = true;
      else socket.once("connect", () => (connected = true));
    });
    req.on("response", (res) => {
      let read = 0;
      res.on("data", (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) res.destroy();
      });
      const answered = () =>
        done({
          kind: "answered",
          status: res.statusCode ?? 0,
          retryAfter: (res.headers["retry-after"] as string | undefined) ?? null,
        });
      res.on("end", answered);
      res.on("close", answered);
      res.on("error", answered);
    });
    req.on("error", (error) => {
      const message = error.message || String(error);
      done(connected ? { kind: "unclear", error: message } : { kind: "not_sent", error: message });
    });
    req.end(request.body);
  });
}
