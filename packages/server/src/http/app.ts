import { Hono } from "hono";
import { AppError } from "../app/app-error.ts";
import type { AppDeps } from "../app/deps.ts";
import type { SigningKey } from "../app/signing-key.ts";
import { keyAuthenticator } from "./auth.ts";
import { bodyLimit, bodyTooLarge } from "./body-limit.ts";
import type { DirectPathParts } from "./direct-routes.ts";
import { errorResponse } from "./error-mapper.ts";
import type { HttpEnv } from "./http-env.ts";
import { openApiDocument } from "./openapi.ts";
import { RateLimiter, rateLimited } from "./rate-limit.ts";
import { RouteTable } from "./route-table.ts";
import { adminRoutes } from "./routes/admin.ts";
import { autonomyRoutes } from "./routes/autonomy.ts";
import { eventRoutes } from "./routes/events.ts";
import { executionRoutes } from "./routes/executions.ts";
import { healthRoutes } from "./routes/health.ts";
import { learningRoutes } from "./routes/learning.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { notificationRoutes } from "./routes/notifications.ts";
import { proposalRoutes } from "./routes/proposals.ts";
import { replayRoutes } from "./routes/replay.ts";
import { reviewDeskRoutes } from "./routes/review-desk.ts";
import { reviewRoutes } from "./routes/reviews.ts";
import { sessionRoutes } from "./routes/session.ts";
import { vigilanceRoutes } from "./routes/vigilance.ts";
import { sessionOrKeyAuthenticator } from "./session-auth.ts";
import { serveWebApp } from "./web-app.ts";

export const API_VERSION = "1.0.0";

const REQUEST_ID = /^[\w.:-]{1,100}$/;

export interface HttpAppOptions {
  signingKey: SigningKey;
  /** The built reviewer app; packages/web/dist by default. */
  webDir?: string;
}

/**
 * Builds the HTTP app over the use cases. No port is opened here: tests call `app.request(...)`
 * in-process and `startServer` puts it behind a listener.
 */
export function createHttpApp(deps: AppDeps, options: HttpAppOptions): Hono<HttpEnv> {
  return createHttp(deps, options).app;
}

/**
 * The HTTP app and, sharing its request ids, key authentication, rate limiter and the routes written as
 * direct handlers, the direct path for API keys' requests (see direct-routes.ts) that `startServer`
 * puts in front of it.
 */
export function createHttp(
  deps: AppDeps,
  options: HttpAppOptions,
): { app: Hono<HttpEnv>; direct: DirectPathParts } {
  const app = new Hono<HttpEnv>();
  // Request ids need to be unique, not secret: a per-process prefix and a counter cost nothing.
  const bootId = deps.newId().slice(-12);
  let requests = 0;
  const requestIdFor = (given: string | undefined): string =>
    given !== undefined && REQUEST_ID.test(given) ? given : `${bootId}-${(++requests).toString(36)}`;

  app.use(async (c, next) => {
    const requestId = requestIdFor(c.req.header("x-request-id"));
    c.set("requestId", requestId);
    c.set("deps", deps);
    c.header("X-Request-Id", requestId);
    await next();
  });
  app.use(
    bodyLimit({
      maxSize: deps.config.maxBodyBytes,
      onError: () => {
        throw bodyTooLarge(deps.config.maxBodyBytes);
      },
    }),
  );

  const limiter = new RateLimiter(deps.config.rateLimit);
  const authenticateKey = keyAuthenticator(deps);
  const routes = new RouteTable(app, rateLimited(sessionOrKeyAuthenticator(deps, authenticateKey), limiter));
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
  notificationRoutes(routes);
  executionRoutes(routes, options.signingKey);
  sessionRoutes(routes);
  reviewDeskRoutes(routes);
  metricsRoutes(routes);
  replayRoutes(routes);
  learningRoutes(routes);
  autonomyRoutes(routes);
  vigilanceRoutes(routes);

  const document = openApiDocument(routes.specs, API_VERSION);
  app.get("/openapi.json", (c) => c.json(document));
  // After every API route, so the API always takes precedence over the app's pages.
  serveWebApp(app, options.webDir);

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
    const { status, body, headers } = errorResponse(error, requestId);
    if (status >= 500) deps.logger.error({ err: error, requestId, path: c.req.path }, "request failed");
    return c.json(body, status as 500, headers);
  });
  return {
    app,
    direct: {
      deps,
      requestIdFor,
      authenticateKey,
      limiter,
      routes: routes.directRoutes,
      specs: routes.specs,
    },
  };
}
