import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "../app/app-error.ts";
import type { AppDeps } from "../app/deps.ts";
import type { SigningKey } from "../app/signing-key.ts";
import { keyAuthenticator } from "./auth.ts";
import { errorResponse } from "./error-mapper.ts";
import type { HttpEnv } from "./http-env.ts";
import { openApiDocument } from "./openapi.ts";
import { RouteTable } from "./route-table.ts";
import { adminRoutes } from "./routes/admin.ts";
import { eventRoutes } from "./routes/events.ts";
import { healthRoutes } from "./routes/health.ts";
import { proposalRoutes } from "./routes/proposals.ts";
import { reviewRoutes } from "./routes/reviews.ts";

export const API_VERSION = "1.0.0";

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/**
 * Builds the HTTP app over the use cases. No port is opened here: tests call `app.request(...)`
 * in-process and `startServer` puts it behind a listener.
 */
export function createHttpApp(deps: AppDeps, options: { signingKey: SigningKey }): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  // Request ids need to be unique, not secret: a per-process prefix and a counter cost nothing.
  const bootId = deps.newId().slice(-12);
  let requests = 0;

  app.use(async (c, next) => {
    const given = c.req.header("x-request-id");
    const requestId =
      given !== undefined && REQUEST_ID.test(given) ? given : `${bootId}-${(++requests).toString(36)}`;
    c.set("requestId", requestId);
    c.set("deps", deps);
    c.header("X-Request-Id", requestId);
    await next();
  });
  app.use(
    bodyLimit({
      maxSize: deps.config.maxBodyBytes,
      onError: () => {
        throw new AppError(
          "too_large",
          "body_too_large",
          `The request body is larger than ${deps.config.maxBodyBytes} bytes: send less evidence, or shorter snippets`,
        );
      },
    }),
  );

  const routes = new RouteTable(app, keyAuthenticator(deps));
  healthRoutes(routes, async () => {
    try {
      await deps.store.auditHead();
      return true;
    } catch {
      return false;
    }
  });
  proposalRoutes(routes);
  reviewRoutes(routes);
  adminRoutes(routes, options.signingKey);
  eventRoutes(routes);

  const document = openApiDocument(routes.specs, API_VERSION);
  app.get("/openapi.json", (c) => c.json(document));

  app.notFound((c) => {
    const { status, body } = errorResponse(
      new AppError(
        "not_found",
        "route_not_found",
        `No route ${c.req.method} ${c.req.path}: see /openapi.json`,
      ),
      c.var.requestId ?? "none",
    );
    return c.json(body, status as 404);
  });
  app.onError((error, c) => {
    const requestId = c.var.requestId ?? "none";
    const { status, body } = errorResponse(error, requestId);
    if (status >= 500) deps.logger.error({ err: error, requestId, path: c.req.path }, "request failed");
    return c.json(body, status as 500);
  });
  return app;
}
