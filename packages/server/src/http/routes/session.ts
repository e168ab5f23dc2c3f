import { getConnInfo } from "@hono/node-server/conninfo";
import { ErrorEnvelope, SessionState, SessionView, SignInInput } from "@loopgate/core";
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { AppError } from "../../app/app-error.ts";
import {
  DEFAULT_SESSION_SETTINGS,
  resolveSession,
  type SessionSettings,
  sessionViewOf,
  signIn,
  signOut,
} from "../../app/sessions.ts";
import { SignInLimiter } from "../../app/sign-in-limiter.ts";
import type { HttpEnv } from "../http-env.ts";
import { readJson } from "../read-json.ts";
import type { RouteTable } from "../route-table.ts";
import {
  cookieName,
  isHttps,
  refuseForeignOrigin,
  SECURE_SESSION_COOKIE,
  SESSION_COOKIE,
  sessionSecret,
} from "../session-auth.ts";

const errors = {
  400: { description: "Invalid input, with field paths", schema: ErrorEnvelope },
  401: { description: "Wrong name or password, or no live session", schema: ErrorEnvelope },
  403: { description: "Another site's origin, or a missing CSRF token", schema: ErrorEnvelope },
};

function clientAddress(c: Context<HttpEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // in-process requests (tests) have no socket
  }
}

/** 401 `no_session`, worded for a caller with an API key (keys have no session) or without one. */
function noSession(withKey: boolean): AppError {
  return new AppError(
    "unauthenticated",
    "no_session",
    withKey
      ? "API keys have no session: sessions are for people signed in to the reviewer app (POST /v1/session with a name and password)"
      : "You are not signed in: sign in with your name and password",
  );
}

/** Sign-in, the current session, and sign-out for people using the reviewer app. */
export function sessionRoutes(
  routes: RouteTable,
  settings: SessionSettings = DEFAULT_SESSION_SETTINGS,
): void {
  const limiter = new SignInLimiter();

  routes.add(
    {
      method: "post",
      path: "/v1/session",
      summary:
        "Sign in with a name and password: sets the HttpOnly session cookie and answers the CSRF token",
      tag: "session",
      access: "public",
      body: SignInInput,
      responses: {
        201: { description: "Signed in", schema: SessionView },
        ...errors,
        429: {
          description: "Too many failed attempts; Retry-After says when to try again",
          schema: ErrorEnvelope,
        },
      },
    },
    async (c) => {
      // Login CSRF: another site must not sign the browser in as someone else.
      refuseForeignOrigin(c);
      const signedIn = await signIn(c.var.deps, limiter, await readJson(c), clientAddress(c), settings);
      setCookie(c, cookieName(c), signedIn.secret, {
        httpOnly: true,
        sameSite: "Strict",
        secure: isHttps(c),
        path: "/",
        maxAge: Math.floor(settings.absoluteMs / 1000),
      });
      c.header("Cache-Control", "no-store");
      return c.json(signedIn.view, 201);
    },
  );

  routes.add(
    {
      method: "get",
      path: "/v1/session",
      summary:
        "Whether someone is signed in: the person and the session's CSRF token, or `{ signedIn: false }`",
      tag: "session",
      // Answers without credentials too; a request with a key or a live session is authenticated as usual.
      access: "public",
      responses: {
        200: {
          description: "The session, or `{ signedIn: false }` when the browser has no live session",
          schema: SessionState,
        },
        ...errors,
        401: {
          description: "An API key (keys have no session), or an unknown, revoked or expired key",
          schema: ErrorEnvelope,
        },
      },
    },
    async (c) => {
      c.header("Cache-Control", "no-store");
      // The reviewer app asks this on every load, and "nobody is signed in" is an answer, not an error:
      // a browser without the cookie, or whose session has ended, is told so with a 200. A request with
      // an `Authorization` header is a key's and is refused as on any route when the key is bad.
      const principal = await routes.authenticate(c).catch((error: unknown) => {
        const browser = c.req.header("authorization") === undefined;
        if (browser && error instanceof AppError && error.kind === "unauthenticated") return null;
        throw error;
      });
      if (principal === null) return c.json({ signedIn: false } satisfies SessionState);
      const secret = sessionSecret(c);
      if (principal.kind !== "user" || principal.sessionId === undefined || secret === undefined)
        throw noSession(c.req.header("authorization") !== undefined);
      const found = await resolveSession(c.var.deps, secret, settings);
      if (found === null) return c.json({ signedIn: false } satisfies SessionState);
      return c.json(sessionViewOf(found.user, found.session, secret, settings) satisfies SessionState);
    },
  );

  routes.add(
    {
      method: "delete",
      path: "/v1/session",
      summary: "Sign out: ends the session (needs the CSRF token) and clears the cookie",
      tag: "session",
      access: "authenticated",
      responses: { 204: { description: "Signed out" }, ...errors },
    },
    async (c, principal) => {
      const secret = sessionSecret(c);
      if (principal?.kind !== "user" || principal.sessionId === undefined || secret === undefined)
        throw noSession(c.req.header("authorization") !== undefined);
      const found = await resolveSession(c.var.deps, secret, settings);
      if (found !== null) await signOut(c.var.deps, found.session, found.user);
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      deleteCookie(c, SECURE_SESSION_COOKIE, { path: "/", secure: true });
      return c.body(null, 204);
    },
  );
}
