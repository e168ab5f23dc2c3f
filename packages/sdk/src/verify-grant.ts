import { type GrantVerification, verifyGrant as verifyGrantAt } from "@loopgate/core/grant-check";
import type { Grant } from "@loopgate/core/wire";

export type { GrantRefusal, GrantVerification } from "@loopgate/core/grant-check";
export type { Grant } from "@loopgate/core/wire";

/**
 * Checks, in the service that carries out an agent-executed action, that the agent holds a grant for
 * exactly this payload: signed by Loopgate's key (`publicKey`: base64 from `GET /v1/keys/grants`, or
 * the raw 32 bytes), not expired, and bound to the SHA-256 of the payload's canonical JSON — one
 * changed byte and it is refused. Pure: no network, no server. Single use is enforced by Loopgate,
 * which refuses a second result report under the same grant.
 *
 * Core's check (`@loopgate/core/grant-check`, which loads no schema library) with the clock read here.
 *
 * @example
 * ```ts
 * import { verifyGrant } from "@loopgate/sdk";
 * const check = verifyGrant(request.grant, request.payload, process.env.LOOPGATE_GRANT_PUBLIC_KEY!);
 * if (!check.ok) return Response.json({ error: check.reason, message: check.message }, { status: 403 });
 * ```
 */
export function verifyGrant(
  grant: Grant | unknown,
  payload: unknown,
  publicKey: string | Uint8Array,
  options: { now?: Date; keyId?: string } = {},
): GrantVerification {
  return verifyGrantAt(grant, payload, publicKey, { ...options, now: options.now ?? new Date() });
}
