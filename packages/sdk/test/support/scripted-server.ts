import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { LoopgateError } from "../../src/errors.ts";
import { createFakeLoopgate, type FakeLoopgate, type FakeLoopgateOptions } from "../../src/testing/index.ts";
import { DecisionTimeoutError } from "../../src/wait-errors.ts";
import { DecisionInput, ProposalInput } from "./wire.ts";

/**
 * A small HTTP server that speaks SPEC §6 for the client tests, until the real one is ready. The
 * in-memory fake does the bookkeeping; this file is the HTTP side: routes, API keys, the error envelope,
 * the long-poll, and scripted faults (dropped connections, 429s, 5xx) to exercise the client's retries.
 */

/** Something that goes wrong with the next request matching a route. */
export type Fault =
  /** Answer this instead of handling the request. */
  | { kind: "respond"; status: number; headers?: Record<string, string>; body?: unknown }
  /** Cut the connection without handling the request. */
  | { kind: "drop" }
  /** Handle the request, then cut the connection: the client never sees the answer. */
  | { kind: "drop-after" }
  /** Handle the request, then answer this status (a proxy's 504 after the server did its work). */
  | { kind: "respond-after"; status: number }
  /** Wait this long before handling the request. */
  | { kind: "delay"; ms: number };

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
  /** When the request arrived (epoch ms). */
  at: number;
}

export interface ScriptedServerOptions extends FakeLoopgateOptions {
  /** API keys and their roles. @defaultValue `{ "agent-key": "agent", "reviewer-key": "reviewer" }` */
  keys?: Record<string, "agent" | "reviewer">;
  /** The longest a long-poll is held, whatever `wait` says; lets a test see the client poll again. */
  maxHoldMs?: number;
}

export interface ScriptedServer {
  url: string;
  /** The fake that holds the state behind the HTTP API. */
  engine: FakeLoopgate;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Queues faults for the next requests whose method and path match, one fault per request. */
  fail(method: string, path: RegExp, ...faults: Fault[]): void;
  close(): Promise<void>;
}

type Role = "agent" | "reviewer";
type Handler = (req: RecordedRequest & { params: string[]; role: Role }) => Promise<{
  status: number;
  body: unknown;
}>;

export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const engine = createFakeLoopgate(options);
  const keys = options.keys ?? { "agent-key": "agent", "reviewer-key": "reviewer" };
  const requests: RecordedRequest[] = [];
  const faults: { method: string; path: RegExp; fault: Fault }[] = [];
  let requestCount = 0;

  const ok = (body: unknown, status = 200) => ({ status, body });
  const agentOnly = (role: Role) => role === "agent" || forbidden("this needs an agent key");
  const reviewerOnly = (role: Role) => role === "reviewer" || forbidden("this needs a reviewer key");

  const routes: { method: string; path: RegExp; handle: Handler }[] = [
    {
      method: "POST",
      path: /^\/v1\/proposals$/,
      handle: async ({ body, role, headers }) => {
        agentOnly(role);
        validate(ProposalInput, body);
        const key = headers["idempotency-key"] as string | undefined;
        return ok(await engine.propose(body as never, { idempotencyKey: key }), 201);
      },
    },
    {
      method: "GET",
      path: /^\/v1\/proposals\/([^/]+)$/,
      handle: async ({ params }) => ok(await engine.getProposal(params[0]!)),
    },
    {
      method: "GET",
      path: /^\/v1\/proposals\/([^/]+)\/decision$/,
      handle: async ({ params, query }) => {
        const wait = Number(query.get("wait") ?? "30");
        if (!Number.isInteger(wait) || wait < 0 || wait > 30)
          invalid("wait", "a whole number of seconds, 0–30");
        const holdMs = Math.min(wait * 1000, options.maxHoldMs ?? Number.POSITIVE_INFINITY);
        try {
          return ok(await engine.waitForDecision(params[0]!, { timeoutMs: holdMs }));
        } catch (error) {
          if (error instanceof DecisionTimeoutError) return ok(error.proposal);
          throw error;
        }
      },
    },
    {
      method: "POST",
      path: /^\/v1\/proposals\/([^/]+)\/info$/,
      handle: async ({ params, body, role }) => {
        agentOnly(role);
        return ok(await engine.provideInfo(params[0]!, body as never));
      },
    },
    {
      method: "POST",
      path: /^\/v1\/proposals\/([^/]+)\/cancel$/,
      handle: async ({ params, role }) => {
        agentOnly(role);
        return ok(await engine.cancel(params[0]!));
      },
    },
    {
      method: "POST",
      path: /^\/v1\/proposals\/([^/]+)\/result$/,
      handle: async ({ params, body, role }) => {
        agentOnly(role);
        return ok(await engine.reportResult(params[0]!, body as never));
      },
    },
    {
      method: "GET",
      path: /^\/v1\/reviews$/,
      handle: async ({ query, role }) => {
        reviewerOnly(role);
        const q = Object.fromEntries(query);
        return ok(
          await engine.listReviews({ ...q, limit: q.limit === undefined ? undefined : Number(q.limit) }),
        );
      },
    },
    {
      method: "POST",
      path: /^\/v1\/reviews\/claim-next$/,
      handle: async ({ body, role }) => {
        reviewerOnly(role);
        return ok(await engine.claimNext(body as never));
      },
    },
    {
      method: "POST",
      path: /^\/v1\/reviews\/([^/]+)\/claim$/,
      handle: async ({ params, body, role }) => {
        reviewerOnly(role);
        return ok(await engine.claim(params[0]!, body as never));
      },
    },
    {
      method: "POST",
      path: /^\/v1\/reviews\/([^/]+)\/release$/,
      handle: async ({ params, role }) => {
        reviewerOnly(role);
        return ok(await engine.release(params[0]!));
      },
    },
    {
      method: "POST",
      path: /^\/v1\/reviews\/([^/]+)\/decisions$/,
      handle: async ({ params, body, role }) => {
        reviewerOnly(role);
        validate(DecisionInput, body);
        return ok(await engine.decide(params[0]!, body as never), 201);
      },
    },
  ];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = `req-${++requestCount}`;
    const url = new URL(req.url ?? "/", "http://localhost");
    const text = await readBody(req);
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: text === "" ? undefined : JSON.parse(text),
      at: Date.now(),
    };
    requests.push(recorded);

    const index = faults.findIndex((f) => f.method === recorded.method && f.path.test(recorded.path));
    const fault = index >= 0 ? faults.splice(index, 1)[0]?.fault : undefined;
    if (fault?.kind === "drop") return void req.socket.destroy();
    if (fault?.kind === "respond") return send(res, fault.status, fault.body, requestId, fault.headers);
    if (fault?.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));

    let answer: { status: number; body: unknown };
    try {
      const auth = req.headers.authorization ?? "";
      const role = keys[auth.replace(/^Bearer /, "")];
      if (!auth.startsWith("Bearer ") || role === undefined) {
        throw new HttpProblem(401, "unauthorized", "send a valid API key as Authorization: Bearer <key>");
      }
      const route = routes.find((r) => r.method === recorded.method && r.path.test(recorded.path));
      if (!route) throw new HttpProblem(404, "not_found", `no route ${recorded.method} ${recorded.path}`);
      const params = route.path.exec(recorded.path)!.slice(1).map(decodeURIComponent);
      answer = await route.handle({ ...recorded, params, role });
    } catch (error) {
      answer = errorAnswer(error, requestId);
    }
    if (fault?.kind === "drop-after") return void req.socket.destroy();
    if (fault?.kind === "respond-after") return send(res, fault.status, undefined, requestId);
    send(res, answer.status, answer.body, requestId);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) send(res, 500, errorAnswer(error, "req-500").body, "req-500");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    engine,
    requests,
    fail(method, path, ...list) {
      for (const fault of list) faults.push({ method, path, fault });
    },
    close() {
      if (!server.listening) return Promise.resolve();
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

/** A problem the HTTP layer itself answers (auth, routing, validation). */
class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

function forbidden(message: string): never {
  throw new HttpProblem(403, "forbidden", message);
}

function invalid(path: string, message: string): never {
  throw new HttpProblem(400, "invalid_input", `${path}: ${message}`, { issues: [{ path, message }] });
}

function validate(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, body: unknown) {
  const parsed = schema.safeParse(body);
  if (parsed.success) return;
  const issues = (parsed.error as { issues: { path: PropertyKey[]; message: string }[] }).issues.map((i) => ({
    path: i.path.map(String).join("."),
    message: i.message,
  }));
  throw new HttpProblem(400, "invalid_input", "the request body is invalid", { issues });
}

function errorAnswer(error: unknown, requestId: string): { status: number; body: unknown } {
  if (error instanceof HttpProblem || (error instanceof LoopgateError && error.status !== null)) {
    const status = error.status ?? 500;
    return {
      status,
      body: { error: { code: error.code, message: error.message, details: error.details, requestId } },
    };
  }
  return { status: 500, body: { error: { code: "internal", message: String(error), requestId } } };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", "x-request-id": requestId, ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
