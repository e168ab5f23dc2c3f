import { createHash, randomBytes } from "node:crypto";
import { type PersonView, type SessionView, SignInInput } from "@loopgate/core";
import type { SessionRow, UserRow } from "../store/store.ts";
import { AppError } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { decoyPasswordHash, verifyPassword } from "./passwords.ts";
import type { SignInLimiter } from "./sign-in-limiter.ts";
import { parseInput } from "./zod-issues.ts";

/** How long sessions last. */
export interface SessionSettings {
  /** A session unused for this long ends. @defaultValue 2 hours */
  idleMs: number;
  /** A session ends this long after sign-in, however active. @defaultValue 12 hours */
  absoluteMs: number;
  /**
   * Last-seen times are written at most this often, so a busy reviewer's requests do not each cost a
   * write; the idle expiry is therefore exact to within this. @defaultValue 60 seconds
   */
  touchEveryMs: number;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = Object.freeze({
  idleMs: 2 * 3_600_000,
  absoluteMs: 12 * 3_600_000,
  touchEveryMs: 60_000,
});

/** Random bytes in a session secret: 256 bits. */
const SESSION_SECRET_BYTES = 32;

/** The stored form of a session secret (a fast hash is right for 256 random bits; see `hashApiKey`). */
export function sessionTokenHash(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/**
 * The CSRF token of a session, derived from its secret so nothing more is stored. Another site can
 * make the browser send the cookie but cannot read this token (the cookie is HttpOnly and the API
 * sends no CORS headers), so a state-changing request carrying it came from the app.
 */
export function csrfTokenOf(secret: string): string {
  return createHash("sha256").update(`loopgate-csrf\u0000${secret}`, "utf8").digest("base64url");
}

/** A person as the app sees them; never the password hash. */
export function personView(user: UserRow): PersonView {
  return {
    id: user.id,
    name: user.name,
    role: user.role === "agent" ? "reviewer" : user.role,
    queues: user.queues,
    pii: user.pii,
  };
}

/** When a live session ends if not used again. */
export function idleExpiry(session: SessionRow, settings: SessionSettings): string {
  const idle = Date.parse(session.lastSeenAt) + settings.idleMs;
  return new Date(Math.min(idle, Date.parse(session.expiresAt))).toISOString();
}

export interface SignedIn {
  /** The cookie's value: shown to the browser once, never stored. */
  secret: string;
  session: SessionRow;
  user: UserRow;
  view: SessionView;
}

/**
 * Checks a name and password and opens a session. A failed attempt writes nothing (not even audit)
 * and counts towards the lockout; a wrong name takes as long as a wrong password.
 *
 * @throws AppError `rate_limited` while the name or address is locked out; `unauthenticated` for a
 *   wrong name or password (one message for both, so names cannot be probed).
 */
export async function signIn(
  deps: AppDeps,
  limiter: SignInLimiter,
  body: unknown,
  clientAddress: string,
  settings: SessionSettings = DEFAULT_SESSION_SETTINGS,
): Promise<SignedIn> {
  const { name, password } = parseInput(SignInInput, body, "invalid_input");
  const wait = limiter.retryAfterMs(name, clientAddress, Date.now());
  if (wait > 0) {
    const retryAfter = Math.ceil(wait / 1000);
    throw new AppError(
      "rate_limited",
      "too_many_sign_in_attempts",
      `Too many failed sign-ins: try again in ${Math.ceil(retryAfter / 60)} minute(s), or ask an owner to reset your password`,
      { retryAfterSeconds: retryAfter },
    );
  }
  const user = await deps.store.userByName(name);
  const stored = user?.passwordHash ?? (await decoyPasswordHash());
  const good = (await verifyPassword(password, stored)) && user !== null && user.passwordHash !== null;
  if (!good || user === null || user.role === "agent") {
    limiter.failed(name, clientAddress, Date.now());
    throw new AppError(
      "unauthenticated",
      "invalid_credentials",
      "The name or password is wrong. Check both, or ask an owner to set a new password for you",
    );
  }
  limiter.succeeded(name);

  const now = deps.now();
  const secret = randomBytes(SESSION_SECRET_BYTES).toString("base64url");
  const session: SessionRow = {
    id: deps.newId(),
    tokenHash: sessionTokenHash(secret),
    userId: user.id,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + settings.absoluteMs).toISOString(),
    endedAt: null,
  };
  const result = await deps.store.commit({
    writes: [{ kind: "insertSession", row: session }],
    audit: [
      {
        at: session.createdAt,
        actor: { kind: "user", id: user.id, name: user.name },
        type: "session.started",
        proposalId: null,
        data: { sessionId: session.id, expiresAt: session.expiresAt },
      },
    ],
  });
  if (!result.ok) throw new Error(`could not store the session: ${JSON.stringify(result.conflict)}`);
  return { secret, session, user, view: sessionViewOf(user, session, secret, settings) };
}

export function sessionViewOf(
  user: UserRow,
  session: SessionRow,
  secret: string,
  settings: SessionSettings,
): SessionView {
  return {
    signedIn: true,
    user: personView(user),
    csrfToken: csrfTokenOf(secret),
    expiresAt: session.expiresAt,
    idleExpiresAt: idleExpiry(session, settings),
  };
}

/**
 * The live session and person behind a cookie's secret, or null when the session is unknown, signed
 * out, past its absolute expiry or idle too long. Refreshes the last-seen time now and then.
 */
export async function resolveSession(
  deps: AppDeps,
  secret: string,
  settings: SessionSettings = DEFAULT_SESSION_SETTINGS,
): Promise<{ session: SessionRow; user: UserRow } | null> {
  const session = await deps.store.sessionByTokenHash(sessionTokenHash(secret));
  if (session === null || session.endedAt !== null) return null;
  const now = deps.now().getTime();
  if (Date.parse(session.expiresAt) <= now || Date.parse(idleExpiry(session, settings)) <= now) return null;
  const user = await deps.store.user(session.userId);
  if (user === null || user.passwordHash === null) return null;
  if (now - Date.parse(session.lastSeenAt) >= settings.touchEveryMs) {
    const lastSeenAt = new Date(now).toISOString();
    const result = await deps.store.commit({
      writes: [{ kind: "touchSession", id: session.id, lastSeenAt }],
      audit: [],
    });
    // Signed out between the read and the touch: the session is over.
    if (!result.ok) return null;
    return { session: { ...session, lastSeenAt }, user };
  }
  return { session, user };
}

/** Ends a session (signing out), audited. Ending one already ended is harmless. */
export async function signOut(deps: AppDeps, session: SessionRow, user: UserRow): Promise<void> {
  const at = deps.now().toISOString();
  await deps.store.commit({
    writes: [{ kind: "endSession", id: session.id, endedAt: at }],
    audit: [
      {
        at,
        actor: { kind: "user", id: user.id, name: user.name },
        type: "session.ended",
        proposalId: null,
        data: { sessionId: session.id },
      },
    ],
  });
}
