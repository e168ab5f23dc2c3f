import { timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { AppError } from "../app/app-error.ts";
import type { AppDeps } from "../app/deps.ts";
import type { Principal } from "../app/principal.ts";
import { csrfTokenOf, resolveSession, type SessionSettings } from "../app/sessions.ts";
import type { KeyAuthenticate } from "./auth.ts";
import type { HttpEnv } from "./http-env.ts";

/** The session cookie. `__Host-` would pin it further but demands https; see {@link cookieName}. */
export const SESSION_COOKIE = "loopgate_session";
/** Over https the cookie gets the `__Host-` prefix: Secure, Path=/, no Domain — the browser enforces it. */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;
export const CSRF_HEADER = "x-csrf-token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Whether the request reached us over https (directly, or through a proxy that says so). */
export function isHttps(c: Context<HttpEnv>): boolean {
  const forwarded = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim();
  return forwarded === "https" || new URL(c.req.url).protocol === "https:";
}

export function cookieName(c: Context<HttpEnv>): string {
  return isHttps(c) ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/** The session secret the browser sent, if any. */
export function sessionSecret(c: Context<HttpEnv>): string | undefined {
  return getCookie(c, SECURE_SESSION_COOKIE) ?? getCookie(c, SESSION_COOKIE);
}

/**
 * Refuses a request whose `Origin` names another site. Browsers send `Origin` with every
 * state-changing fetch, so a forged cross-site request always carries the attacker's origin.
 */
export function refuseForeignOrigin(c: Context<HttpEnv>): void {
  const origin = c.req.header("origin");
  if (origin === undefined) return;
  const url = new URL(c.req.url);
  const host = c.req.header("x-forwarded-host") ?? c.req.header("host") ?? url.host;
  const scheme = isHttps(c) ? "https" : url.protocol.replace(":", "");
  if (origin !== `${scheme}://${host}` && origin !== url.origin) {
    throw new AppError(
      "forbidden",
      "cross_origin_request",
      `Requests from ${origin} are refused: use the reviewer app served by this server`,
    );
  }
}

/**
 * Resolves the caller to a principal from `Authorization: Bearer <key>` or, without that header, from
 * the session cookie — the same principal either way, so roles hold for people exactly as for keys.
 * A session's state-changing request must carry its CSRF token in `X-CSRF-Token` and come from this
 * server's own origin.
 */
export function sessionOrKeyAuthenticator(
  deps: AppDeps,
  keyAuthenticate: KeyAuthenticate,
  settings?: SessionSettings,
): (c: Context<HttpEnv>) => Promise<Principal> {
  return async (c) => {
    const authorization = c.req.header("authorization");
    if (authorization !== undefined) return keyAuthenticate(authorization);
    const secret = sessionSecret(c);
    if (secret === undefined) return keyAuthenticate(undefined); // answers with the missing-key message
    const found = await resolveSession(deps, secret, settings);
    if (found === null) {
      throw new AppError(
        "unauthenticated",
        "session_expired",
        "Your session has ended (signed out, idle too long, or expired): sign in again",
      );
    }
    if (!SAFE_METHODS.has(c.req.method)) {
      refuseForeignOrigin(c);
      const token = c.req.header(CSRF_HEADER);
      if (token === undefined || !sameText(token, csrfTokenOf(secret))) {
        throw new AppError(
          "forbidden",
          "csrf_token_invalid",
          "This request lacks the session's CSRF token: send it in the X-CSRF-Token header (the app does this; reload it)",
        );
      }
    }
    return { kind: "user", keyId: null, user: found.user, sessionId: found.session.id };
  };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
