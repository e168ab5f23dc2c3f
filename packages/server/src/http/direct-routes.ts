import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from "node:http";
import type { AppDeps } from "../app/deps.ts";
import type { KeyAuthenticate } from "./auth.ts";
import { bodyTooLarge } from "./body-limit.ts";
import { errorResponse } from "./error-mapper.ts";
import { type RateLimiter, takeToken } from "./rate-limit.ts";
import { parseJsonBody } from "./read-json.ts";
import type { DirectRoute, RouteAnswer, RouteRequest, RouteSpec } from "./route-table.ts";

/** What the direct path shares with the HTTP app, so both count, identify and authenticate alike. */
export interface DirectPathParts {
  deps: AppDeps;
  /** The request id: the caller's `X-Request-Id` when well formed, else a new one. */
  requestIdFor: (given: string | undefined) => string;
  authenticateKey: KeyAuthenticate;
  limiter: RateLimiter;
  /** The routes written as direct handlers (`RouteTable.direct`). */
  routes: readonly DirectRoute[];
  /** Every route of the app, to leave to it a request another route could also claim. */
  specs: readonly RouteSpec[];
}

/** A direct route with what the app could serve instead on the same paths. */
interface Candidate {
  route: DirectRoute;
  /** Other routes of the same method whose paths can overlap this one's (none, usually). */
  rivals: readonly (readonly string[])[];
}

/**
 * Serves the requests an API key makes in bulk — an agent's proposals and long polls, a reviewer
 * script's claim-next and decisions — straight on Node's request, in front of the app.
 *
 * Through the framework each request builds a `Request`, headers, a `Response` and its stream adapter
 * and runs the middleware chain: about a tenth of the event loop's time for a proposal, more for the
 * smaller requests of a review. Here it is the same steps in the same order, with the same shared
 * pieces — request id, body limit, key authentication, rate limit, the route's own handler (one
 * {@link RouteRequest} handler serves both paths, see `RouteTable.direct`), the error mapper — so the
 * answers are the same (`test/http/direct-routes.test.ts` compares them). Anything else goes to
 * `fallback` (the app): a request without `Authorization` (the reviewer app's session cookie), a
 * chunked body, a path no direct route matches or one another route could also claim, and a path or
 * query string that is not valid percent-encoding (the app has its own way with those).
 *
 * @example
 * ```ts
 * const { app, direct } = createHttp(deps, { signingKey });
 * createServer(withDirectRoutes(direct, getRequestListener(app.fetch)));
 * ```
 */
export function withDirectRoutes(parts: DirectPathParts, fallback: RequestListener): RequestListener {
  const candidates = parts.routes.map((route) => ({ route, rivals: rivalsOf(route, parts.specs) }));
  return (req, res) => {
    if (req.headers.authorization === undefined || req.headers["transfer-encoding"] !== undefined) {
      fallback(req, res);
      return;
    }
    const url = req.url ?? "/";
    const mark = url.indexOf("?");
    const path = mark === -1 ? url : url.slice(0, mark);
    const query = mark === -1 ? "" : url.slice(mark + 1);
    const found = wellEncoded(query) ? match(candidates, req.method ?? "GET", path.split("/")) : null;
    if (found === null) {
      fallback(req, res);
      return;
    }
    void serve(parts, found.route, found.params, query, req, res);
  };
}

/**
 * The direct route for a request and its decoded parameters, or null: no route, a parameter that is
 * not valid percent-encoding, or another route that matches too (the app decides those).
 */
function match(
  candidates: readonly Candidate[],
  method: string,
  segments: readonly string[],
): { route: DirectRoute; params: Map<string, string> } | null {
  for (const { route, rivals } of candidates) {
    if (route.method !== method || !fits(route.segments, segments)) continue;
    if (rivals.some((rival) => fits(rival, segments))) return null;
    const params = new Map<string, string>();
    for (let i = 0; i < segments.length; i++) {
      const name = route.segments[i]!;
      if (!name.startsWith(":")) continue;
      try {
        params.set(name.slice(1), decodeURIComponent(segments[i]!));
      } catch {
        return null;
      }
    }
    return { route, params };
  }
  return null;
}

/** Whether a path's segments fit a route's: same count, static ones equal, a parameter non-empty. */
function fits(pattern: readonly string[], segments: readonly string[]): boolean {
  if (pattern.length !== segments.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = segments[i]!;
    if (want.startsWith(":") ? got === "" : want !== got) return false;
  }
  return true;
}

/** The other routes of the method whose paths can be the same as the route's (a parameter fits anything). */
function rivalsOf(route: DirectRoute, specs: readonly RouteSpec[]): string[][] {
  const rivals: string[][] = [];
  for (const spec of specs) {
    if (spec === route.spec || spec.method.toUpperCase() !== route.method) continue;
    const other = spec.path.split("/");
    if (other.length !== route.segments.length) continue;
    const overlap = other.every((part, i) => {
      const mine = route.segments[i]!;
      return part.startsWith(":") || mine.startsWith(":") || part === mine;
    });
    if (overlap) rivals.push(other);
  }
  return rivals;
}

async function serve(
  parts: DirectPathParts,
  route: DirectRoute,
  params: Map<string, string>,
  queryText: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { deps } = parts;
  const requestId = parts.requestIdFor(header(req, "x-request-id"));
  try {
    const length = req.headers["content-length"];
    if (length !== undefined && Number.parseInt(length, 10) > deps.config.maxBodyBytes) {
      throw bodyTooLarge(deps.config.maxBodyBytes);
    }
    const principal = await parts.authenticateKey(req.headers.authorization);
    takeToken(parts.limiter, principal, Date.now());
    const request = new DirectRequest(deps, params, queryText, req, res);
    answer(res, await route.handler(request, principal), requestId);
  } catch (error) {
    const { status, body, headers } = errorResponse(error, requestId);
    if (status >= 500) deps.logger.error({ err: error, requestId, path: req.url }, "request failed");
    send(res, status, { "Content-Type": "application/json", ...headers }, JSON.stringify(body), requestId);
  }
}

/**
 * What a route handler reads of a request served on Node's request. A class, not an object of
 * closures: the server runs through tsx, whose esbuild keeps function names, so every arrow function
 * made per request was also an `Object.defineProperty` of its name (~1.3 % of the event loop on the
 * propose path); methods on a prototype are made once.
 */
class DirectRequest implements RouteRequest {
  constructor(
    readonly deps: AppDeps,
    private readonly params: Map<string, string>,
    private readonly queryText: string,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {}

  param(name: string): string {
    return this.params.get(name) ?? "";
  }

  query(): Record<string, string> {
    return queryOf(this.queryText);
  }

  async json(emptyAs?: unknown): Promise<unknown> {
    return parseJsonBody(await readBody(this.req), emptyAs);
  }

  header(name: string): string | undefined {
    return header(this.req, name);
  }

  /** Made when a handler asks (a long poll): most requests never do. */
  get signal(): AbortSignal {
    return abortedWhenGone(this.res);
  }
}

/** A signal aborted if the connection closes before the answer was sent. */
function abortedWhenGone(res: ServerResponse): AbortSignal {
  const gone = new AbortController();
  if (res.destroyed) gone.abort();
  else
    res.once("close", () => {
      if (!res.writableFinished) gone.abort();
    });
  return gone.signal;
}

function answer(res: ServerResponse, routeAnswer: RouteAnswer, requestId: string): void {
  if ("text" in routeAnswer) {
    send(res, routeAnswer.status, routeAnswer.headers, routeAnswer.text, requestId);
  } else {
    const body = JSON.stringify(routeAnswer.body);
    send(res, routeAnswer.status, { "Content-Type": "application/json" }, body, requestId);
  }
}

/** Whether a query string's percent-encoding decodes (the usual case: no `%` at all). */
function wellEncoded(query: string): boolean {
  if (!query.includes("%")) return true;
  try {
    decodeURIComponent(query);
    return true;
  } catch {
    return false;
  }
}

/** The query string's parameters as the app reads them: decoded, the first of a repeated name. */
function queryOf(text: string): Record<string, string> {
  const query: Record<string, string> = {};
  if (text === "") return query;
  for (const [name, value] of new URLSearchParams(text)) {
    if (name !== "" && !Object.hasOwn(query, name)) query[name] = value;
  }
  return query;
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
    // A client that goes away mid-body ends the request without "end": nothing is written.
    req.on("close", () => {
      if (!req.complete) reject(new Error("the client closed the connection before sending the whole body"));
    });
  });
}

/**
 * Writes the answer. `headers` is a fresh object (the route's own or made here) and gets the length
 * and request id added: `{ ...headers, … }` (a spread followed by new properties) takes V8 a slow path
 * of ~1 µs, on every request.
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
