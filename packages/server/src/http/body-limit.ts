import type { MiddlewareHandler } from "hono";
import { bodyLimit as streamingBodyLimit } from "hono/body-limit";
import { AppError } from "../app/app-error.ts";
import type { HttpEnv } from "./http-env.ts";

/**
 * Refuses a request body larger than `maxSize` bytes by calling `onError`.
 *
 * Hono's `bodyLimit` asks `c.req.raw.body` first, which on @hono/node-server turns the lightweight
 * request into a full `Request` with a web stream over the socket: tens of microseconds and several
 * objects on every request, and the body is then read through that stream instead of the direct
 * path. A body with a `Content-Length` needs none of it: Node's HTTP parser already holds the body to
 * that length, so comparing the header is the whole check. Only a chunked body (no length known
 * upfront) is counted as it streams, by Hono's middleware; a request with neither header has no body.
 */
export function bodyLimit(options: { maxSize: number; onError: () => never }): MiddlewareHandler<HttpEnv> {
  const streaming = streamingBodyLimit(options);
  return (c, next) => {
    if (c.req.header("transfer-encoding") !== undefined) return streaming(c, next);
    const length = c.req.header("content-length");
    if (length !== undefined && Number.parseInt(length, 10) > options.maxSize) options.onError();
    return next();
  };
}

/** 413 for a body over the limit, wherever it is found too large (the app's middleware, the hot path). */
export function bodyTooLarge(maxBytes: number): AppError {
  return new AppError(
    "too_large",
    "body_too_large",
    `The request body is larger than ${maxBytes} bytes: send less evidence, or shorter snippets`,
  );
}
