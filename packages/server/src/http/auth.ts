import { hashApiKey } from "../app/api-keys.ts";
import { AppError } from "../app/app-error.ts";
import type { AppDeps } from "../app/deps.ts";
import type { Principal } from "../app/principal.ts";

/** How long a resolved key is trusted before it is read again (revocations take effect within this). */
const CACHE_MS = 5_000;
const CACHE_MAX = 10_000;

/** Resolves the `Authorization` header's value (undefined when absent) to a principal. */
export type KeyAuthenticate = (authorization: string | undefined) => Promise<Principal>;

/**
 * Resolves `Authorization: Bearer <key>` to a principal. Keys are looked up by the SHA-256 of the
 * secret; a short cache keeps the store out of the hot path without delaying new keys (a miss is never
 * cached, so a key created by the CLI works at once).
 */
export function keyAuthenticator(deps: AppDeps): KeyAuthenticate {
  const cache = new Map<string, { principal: Principal; expiresAt: string | null; until: number }>();
  return async (header) => {
    const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
    if (match === null) {
      throw new AppError(
        "unauthenticated",
        "missing_api_key",
        "Send your API key as `Authorization: Bearer <key>` (create one with `loopgate keys create`)",
      );
    }
    const hash = hashApiKey(match[1]!);
    const now = Date.now();
    const hit = cache.get(hash);
    if (hit !== undefined && hit.until > now && (hit.expiresAt === null || Date.parse(hit.expiresAt) > now)) {
      return hit.principal;
    }
    const key = await deps.store.apiKeyByHash(hash);
    if (key === null || key.revokedAt !== null) {
      throw new AppError(
        "unauthenticated",
        "invalid_api_key",
        "This API key is unknown or revoked: check it or create a new one",
      );
    }
    if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now) {
      throw new AppError(
        "unauthenticated",
        "expired_api_key",
        `This API key expired at ${key.expiresAt}: create a new one`,
      );
    }
    let principal: Principal;
    if (key.role === "agent") {
      principal = { kind: "agent", keyId: key.id, agentId: key.name, actions: key.actions };
    } else {
      const user = key.userId === null ? null : await deps.store.user(key.userId);
      if (user === null) {
        throw new AppError(
          "unauthenticated",
          "invalid_api_key",
          "This key's person no longer exists: create a new key",
        );
      }
      principal = { kind: "user", keyId: key.id, user };
    }
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(hash, { principal, expiresAt: key.expiresAt, until: now + CACHE_MS });
    return principal;
  };
}
