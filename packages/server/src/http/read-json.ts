import type { Context } from "hono";
import { AppError } from "../app/app-error.ts";
import type { HttpEnv } from "./http-env.ts";

/**
 * Reads a JSON request body. An empty body reads as `{}` where `emptyAs` allows it; anything that
 * is not JSON is refused with 400 saying where it broke. The size limit is enforced before this.
 */
export async function readJson(c: Context<HttpEnv>, emptyAs?: unknown): Promise<unknown> {
  return parseJsonBody(await c.req.text(), emptyAs);
}

/**
 * Parses a request body's text as {@link readJson} does (for a handler outside the framework).
 *
 * @throws AppError `empty_body` or `invalid_json` (400), saying what to send instead.
 */
export function parseJsonBody(text: string, emptyAs?: unknown): unknown {
  if (text.trim() === "") {
    if (emptyAs !== undefined) return emptyAs;
    throw new AppError("invalid_input", "empty_body", "The request body is empty: send a JSON object");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError(
      "invalid_input",
      "invalid_json",
      `The request body is not valid JSON (${(error as Error).message}); send a JSON object with Content-Type: application/json`,
    );
  }
}
