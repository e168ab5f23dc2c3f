import type { ErrorEnvelope } from "@loopgate/core";
import { withLocalTimes } from "../ui/format.ts";

/** An error answer of the API, with its stable code and the message that says what to do. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let csrfToken: string | null = null;

/** Remembers the session's CSRF token (from signing in or `GET /v1/session`). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the API says the session is over, so the app can show the sign-in page. */
let onSignedOut: (() => void) | null = null;
export function whenSignedOut(listener: () => void): void {
  onSignedOut = listener;
}

/**
 * Calls the API with the session cookie. State-changing requests carry the CSRF token; every error
 * becomes an {@link ApiError} carrying the API's own message.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken !== null) headers["x-csrf-token"] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, "network_error", "Loopgate cannot be reached: check your connection and try again");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text === "" ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const envelope = parsed as Partial<ErrorEnvelope> | null;
    const error = envelope?.error;
    const apiError = new ApiError(
      response.status,
      error?.code ?? "http_error",
      error?.message === undefined
        ? `The server answered ${response.status}: reload the page and try again`
        : withLocalTimes(error.message),
      error?.details,
    );
    if (response.status === 401 && path !== "/v1/session") onSignedOut?.();
    throw apiError;
  }
  return parsed as T;
}

/**
 * A state-changing call that outlives the page (`keepalive`), for what must reach the server as the
 * tab closes or reloads, such as giving back a claimed review. Best effort: nothing waits for it.
 */
export function apiOnLeave(method: string, path: string): void {
  const headers: Record<string, string> = { accept: "application/json" };
  if (csrfToken !== null) headers["x-csrf-token"] = csrfToken;
  void fetch(path, { method, headers, credentials: "same-origin", keepalive: true }).catch(() => undefined);
}

/** A query string from the defined entries of `params`. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}
