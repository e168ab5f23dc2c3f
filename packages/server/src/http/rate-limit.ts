import type { Context } from "hono";
import { AppError } from "../app/app-error.ts";
import type { Principal } from "../app/principal.ts";
import type { HttpEnv } from "./http-env.ts";

/** Requests per second allowed to one caller, with a burst on top. */
export interface RateLimit {
  /** The sustained rate per caller (an API key or a person's session). 0 turns limiting off. */
  perSecond: number;
  /** How many requests a caller may make at once after being idle. */
  burst: number;
}

/** Buckets idle longer than this are forgotten, so memory follows the number of active callers. */
const IDLE_MS = 60_000;

/**
 * A token bucket per caller. Each request takes one token; tokens refill at `perSecond` up to `burst`.
 * A caller with an empty bucket gets 429 `rate_limited` with `Retry-After` (whole seconds until one token
 * is back), and nothing is written for the refused request.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ perSecond: 100, burst: 200 });
 * limiter.take("key-1", Date.now()); // undefined while allowed, else seconds to wait
 * ```
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #sweptAt = 0;

  constructor(private readonly limit: RateLimit) {}

  /** Takes a token for `caller`: undefined when allowed, else the seconds until the next one. */
  take(caller: string, now: number): number | undefined {
    const { perSecond, burst } = this.limit;
    if (perSecond <= 0) return undefined;
    this.#sweep(now);
    const bucket = this.#buckets.get(caller) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.#buckets.set(caller, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
  }

  #sweep(now: number): void {
    if (now - this.#sweptAt < IDLE_MS) return;
    this.#sweptAt = now;
    for (const [caller, bucket] of this.#buckets) {
      if (now - bucket.at > IDLE_MS) this.#buckets.delete(caller);
    }
  }
}

/** The identity a rate limit counts against: the API key, else the person's session, else the person. */
export function callerOf(principal: Principal): string {
  if (principal.kind === "agent") return `key:${principal.keyId}`;
  if (principal.keyId !== null) return `key:${principal.keyId}`;
  return principal.sessionId === undefined ? `user:${principal.user.id}` : `session:${principal.sessionId}`;
}

/**
 * Wraps an authenticator so every authenticated request also takes a token from its caller's bucket.
 *
 * @throws AppError `rate_limited` (429, `details.retryAfterSeconds`) when the caller's bucket is empty.
 */
export function rateLimited(
  authenticate: (c: Context<HttpEnv>) => Promise<Principal>,
  limiter: RateLimiter,
  now: () => number = Date.now,
): (c: Context<HttpEnv>) => Promise<Principal> {
  return async (c) => {
    const principal = await authenticate(c);
    takeToken(limiter, principal, now());
    return principal;
  };
}

/**
 * Takes a token from the principal's bucket.
 *
 * @throws AppError `rate_limited` (429, `details.retryAfterSeconds`) when the bucket is empty.
 */
export function takeToken(limiter: RateLimiter, principal: Principal, now: number): void {
  const wait = limiter.take(callerOf(principal), now);
  if (wait !== undefined) {
    throw new AppError(
      "rate_limited",
      "rate_limited",
      `Too many requests from this caller: wait ${wait} s (Retry-After) and send fewer requests per second`,
      { retryAfterSeconds: wait },
    );
  }
}
