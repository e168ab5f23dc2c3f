import { z } from "zod";
import { Role, Timestamp } from "./common.ts";

/** Body of `POST /v1/session`: a person signs in with their name and password. */
export const SignInInput = z.strictObject({
  name: z.string().min(1).max(100),
  password: z.string().min(1).max(1024),
});
export type SignInInput = z.infer<typeof SignInInput>;

/** The person behind a session or key, as the reviewer app needs to know them. */
export const PersonView = z.object({
  id: z.string(),
  name: z.string(),
  role: Role.exclude(["agent"]),
  queues: z.array(z.string()).describe("queues the person works; empty for every queue"),
  pii: z.boolean().describe("whether personal data is shown unmasked"),
});
export type PersonView = z.infer<typeof PersonView>;

/**
 * `GET /v1/session` and the answer to signing in. The session's secret travels only in its HttpOnly
 * cookie; `csrfToken` goes back in the `X-CSRF-Token` header of every state-changing request.
 */
export const SessionView = z.object({
  signedIn: z.literal(true),
  user: PersonView,
  csrfToken: z.string(),
  expiresAt: Timestamp.describe("the absolute end of the session"),
  idleExpiresAt: Timestamp.describe("when the session ends unless used before"),
});
export type SessionView = z.infer<typeof SessionView>;

/** `GET /v1/session` from a browser with no live session (no cookie, or its session ended). */
export const NoSession = z.object({ signedIn: z.literal(false) });
export type NoSession = z.infer<typeof NoSession>;

/**
 * The answer of `GET /v1/session`: whether someone is signed in, and if so the session. "Nobody" is an
 * answer, not an error, so the reviewer app asks on every load without a failed request.
 *
 * @example
 * ```ts
 * const state: SessionState = await (await fetch("/v1/session")).json();
 * if (state.signedIn) setCsrfToken(state.csrfToken);
 * ```
 */
export const SessionState = z.discriminatedUnion("signedIn", [SessionView, NoSession]);
export type SessionState = z.infer<typeof SessionState>;
