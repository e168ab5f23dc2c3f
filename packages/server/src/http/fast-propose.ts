import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from "node:http";
import type { AppDeps } from "../app/deps.ts";
import type { KeyAuthenticate } from "./auth.ts";
import { bodyTooLarge } from "./body-limit.ts";
import { errorResponse } from "./error-mapper.ts";
import { type RateLimiter, takeToken } from "./rate-limit.ts";
import { parseJsonBody } from "./read-json.ts";
import { submitProposal } from "./submit-proposal.ts";

/** What the hot path shares with the HTTP app, so both count, identify and authenticate alike. */
export interface HotPathParts {
  deps: AppDeps;
  /** The request id: the caller's `X-Request-Id` when well formed, else a new one. */
  requestIdFor: (given: string | undefined) => string;
  authenticateKey: KeyAuthenticate;
  limiter: RateLimiter;
}

/**
 * Serves `POST /v1/proposals` from an agent's key straight on Node's request, in front of the app.
 *
 * This is the request an agent makes for every action, the one the throughput target is about. Through
 * the framework it builds a `Request`, headers, a `Response` and its stream adapter and runs the
 * middleware chain: about a tenth of the event loop's time per proposal. Here it is the same steps in
 * the same order, with the same shared pieces — request id, body limit, key authentication, rate
 * limit, body parsing, {@link submitProposal}, the error mapper — so the answers are the same (the
 * HTTP suites run through it). Anything else, including this route with a session cookie, a chunked
 * body or a query string, goes to `fallback` (the app).
 *
 * @example
 * ```ts
 * const { app, hotPath } = createHttp(deps, { signingKey });
 * createServer(withFastPropose(hotPath, getRequestListener(app.fetch)));
 * ```
 */
export function withFastPropose(parts: HotPathParts, fallback: RequestListener): RequestListener {
  return (req, res) => {
    if (
      req.method !== "POST" ||
      req.url !== "/v1/proposals" ||
      req.headers.authorization === undefined ||
      req.headers["transfer-encoding"] !== undefined
    ) {
      fallback(req, res);
      return;
    }
    void serve(parts, req, res);
  };
}

async function serve(parts: HotPathParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { deps } = parts;
  const requestId = parts.requestIdFor(header(req, "x-request-id"));
  try {
    const length = req.headers["content-length"];
    if (length !== undefined && Number.parseInt(length, 10) > deps.config.maxBodyBytes) {
      throw bodyTooLarge(deps.config.maxBodyBytes);
    }
    const principal = await parts.authenticateKey(req.headers.authorization);
    takeToken(parts.limiter, principal, Date.now());
    const { json, headers } = await submitProposal(
      deps,
      principal,
      async () => parseJsonBody(await readBody(req)),
      (name) => header(req, name),
    );
    send(res, 201, headers, json, requestId);
  } catch (error) {
    const { status, body, headers } = errorResponse(error, requestId);
    if (status >= 500) deps.logger.error({ err: error, requestId, path: req.url }, "request failed");
    send(res, status, { "Content-Type": "application/json", ...headers }, JSON.stringify(body), requestId);
  }
}

/** A header as one string (Node joins repeated ones with ", ", as the Fetch API does). */
function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** The body as UTF-8 text, without a byte-order mark (as `Request.text()` decodes it). */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8");
      resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    });
    req.on("error", reject);
    // A client that goes away mid-body ends the request without "end": nothing is proposed.
    req.on("close", () => {
      if (!req.complete) reject(new Error("the client closed the connection before sending the whole body"));
    });
  });
}

/**
 * Writes the answer. `headers` is the caller's own fresh object and gets the length and request id
 * added: `{ ...headers, … }` (a spread followed by new properties) takes V8 a slow path of ~1 µs, on
 * every proposal.
 */
function send(
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body: string,
  requestId: string,
): void {
  if (res.headersSent || res.destroyed) return;
  headers["Content-Length"] = Buffer.byteLength(body);
  headers["X-Request-Id"] = requestId;
  res.writeHead(status, headers);
  res.end(body);
}
