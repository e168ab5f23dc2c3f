/**
 * `@loopgate/core/grant-check`: checking an execution grant offline, and nothing that loads Zod — so the
 * SDK's `verifyGrant`, built on it, loads no schema library, no CEL and no YAML into an agent. The same
 * functions are exported from `@loopgate/core`.
 *
 * @example
 * ```ts
 * import { verifyGrant } from "@loopgate/core/grant-check";
 * const check = verifyGrant(grant, payload, publicKeyBase64, { now: new Date() });
 * ```
 */
export { type GrantRefusal, type GrantVerification, grantMessage, verifyGrant } from "./audit/grant-check.ts";
export { hashPayload } from "./audit/hash.ts";
