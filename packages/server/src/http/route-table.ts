import type { Context, Hono } from "hono";
import type { z } from "zod";
import type { Principal } from "../app/principal.ts";
import type { HttpEnv } from "./http-env.ts";

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

/** Collects routes for the app and for the OpenAPI document. */
export class RouteTable {
  readonly specs: RouteSpec[] = [];

  constructor(
    private readonly app: Hono<HttpEnv>,
    private readonly authenticate: (c: Context<HttpEnv>) => Promise<Principal>,
  ) {}

  add(spec: RouteSpec, handler: Handler): void {
    this.specs.push(spec);
    this.app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      const principal = spec.access === "public" ? null : await this.authenticate(c);
      return handler(c, principal);
    });
  }
}
