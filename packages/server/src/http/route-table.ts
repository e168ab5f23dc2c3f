import type { Context, Hono } from "hono";
import type { z } from "zod";
import type { AppDeps } from "../app/deps.ts";
import type { Principal } from "../app/principal.ts";
import type { HttpEnv } from "./http-env.ts";
import { readJson } from "./read-json.ts";

/** What a route needs from its caller. */
export type Access = "public" | "authenticated";

/**
 * One API route: the Zod schemas it reads and answers with are the same ones the OpenAPI document
 * is generated from, so the documented shape and the enforced shape cannot drift apart.
 */
export interface RouteSpec {
  method: "get" | "post" | "put" | "delete";
  /** Hono path syntax, e.g. `/v1/proposals/:id`. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Extra request headers worth documenting. */
  headers?: { name: string; description: string }[];
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

export type Handler = (c: Context<HttpEnv>, principal: Principal | null) => Promise<Response> | Response;

/**
 * What a {@link DirectHandler} reads of its request. It is the same whether the framework serves the
 * request or the direct path (direct-routes.ts) does, so the route is written once.
 */
export interface RouteRequest {
  readonly deps: AppDeps;
  /** A path parameter (`:id`), decoded. */
  param(name: string): string;
  /** The query string's parameters (the first value of a repeated one). */
  query(): Record<string, string>;
  /** The body parsed as JSON; `emptyAs` answers an empty body (else it is a 400). */
  json(emptyAs?: unknown): Promise<unknown>;
  header(name: string): string | undefined;
  /** Aborted when the client goes away (a long poll stops waiting). */
  readonly signal: AbortSignal;
}

/** A route's answer: a value to send as JSON, or JSON text already made with its own headers. */
export type RouteAnswer =
  | { status: number; body: unknown }
  | { status: number; text: string; headers: Record<string, string> };

/** A route handler that needs nothing of the framework: see {@link RouteTable.direct}. */
export type DirectHandler = (req: RouteRequest, principal: Principal) => Promise<RouteAnswer>;

/** A route the direct path may serve: its spec, its handler and its path as a matcher. */
export interface DirectRoute {
  spec: RouteSpec;
  method: string;
  /** The path's segments; a `:name` segment is a parameter. */
  segments: readonly string[];
  handler: DirectHandler;
}

/** Collects routes for the app and for the OpenAPI document. */
export class RouteTable {
  readonly specs: RouteSpec[] = [];
  /** The routes written as {@link DirectHandler}s, in the order added. */
  readonly directRoutes: DirectRoute[] = [];

  constructor(
    private readonly app: Hono<HttpEnv>,
    /** Resolves a request's key or session to a principal, counting it against the caller's rate limit. */
    readonly authenticate: (c: Context<HttpEnv>) => Promise<Principal>,
  ) {}

  add(spec: RouteSpec, handler: Handler): void {
    this.specs.push(spec);
    this.app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      const principal = spec.access === "public" ? null : await this.authenticate(c);
      return handler(c, principal);
    });
  }

  /**
   * Adds an authenticated route whose handler needs nothing of the framework. The app serves it like
   * any other (sessions from the reviewer app, and every request the direct path passes on); an API
   * key's request may instead be served straight on Node's request by the direct path, the same
   * handler either way. For the requests agents and reviewers' scripts make in bulk.
   *
   * @example
   * ```ts
   * routes.direct({ method: "get", path: "/v1/proposals/:id", … }, async (req, principal) => ({
   *   status: 200,
   *   body: await getProposal(req.deps, principal, req.param("id")),
   * }));
   * ```
   */
  direct(spec: RouteSpec & { access: "authenticated" }, handler: DirectHandler): void {
    this.directRoutes.push({
      spec,
      method: spec.method.toUpperCase(),
      segments: spec.path.split("/"),
      handler,
    });
    this.add(spec, async (c, principal) => {
      const answer = await handler(frameworkRequest(c), principal!);
      return "text" in answer
        ? c.body(answer.text, answer.status as 200, answer.headers)
        : c.json(answer.body, answer.status as 200);
    });
  }
}

/** The framework's request as a {@link RouteRequest}. */
function frameworkRequest(c: Context<HttpEnv>): RouteRequest {
  return {
    deps: c.var.deps,
    param: (name) => c.req.param(name) ?? "",
    query: () => c.req.query(),
    json: (emptyAs) => readJson(c, emptyAs),
    header: (name) => c.req.header(name),
    signal: c.req.raw.signal,
  };
}
