/**
 * Slows password guessing without writing anything for a failed sign-in: failures are counted in
 * memory per name and per client address, and past {@link SignInLimits.maxFailures} within the window
 * further attempts are refused until the lockout ends. A success clears the name's count.
 *
 * Memory only, by design: a refused or failed sign-in must not write to the store (nor the audit), and
 * a restart forgetting the counts costs an attacker a few more tries, not an account.
 */
export interface SignInLimits {
  /** Failures allowed per name, and per client address, within the window. @defaultValue 5 */
  maxFailures: number;
  /** @defaultValue 15 minutes */
  windowMs: number;
  /** How long a name or address stays locked once over the limit. @defaultValue 15 minutes */
  lockoutMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = Object.freeze({
  maxFailures: 5,
  windowMs: 15 * 60_000,
  lockoutMs: 15 * 60_000,
});

/** Addresses try many names: they get more room than a single name before locking. */
const ADDRESS_FACTOR = 4;
/** Entries kept at most; the oldest are dropped first, so a flood cannot exhaust memory. */
const MAX_ENTRIES = 50_000;

interface Counter {
  failures: number;
  firstAt: number;
  lockedUntil: number;
}

export class SignInLimiter {
  readonly #counters = new Map<string, Counter>();

  constructor(readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS) {}

  /** Milliseconds until `name` from `address` may try again, or 0 when it may now. */
  retryAfterMs(name: string, address: string, now: number): number {
    const wait = (key: string) => {
      const counter = this.#counters.get(key);
      return counter === undefined ? 0 : Math.max(0, counter.lockedUntil - now);
    };
    return Math.max(wait(nameKey(name)), wait(addressKey(address)));
  }

  /** Records a failed attempt. */
  failed(name: string, address: string, now: number): void {
    this.#count(nameKey(name), this.limits.maxFailures, now);
    this.#count(addressKey(address), this.limits.maxFailures * ADDRESS_FACTOR, now);
  }

  /** Clears the name's failures after a good password (the address keeps its count). */
  succeeded(name: string): void {
    this.#counters.delete(nameKey(name));
  }

  #count(key: string, max: number, now: number): void {
    let counter = this.#counters.get(key);
    if (counter === undefined || now - counter.firstAt > this.limits.windowMs) {
      counter = { failures: 0, firstAt: now, lockedUntil: 0 };
    }
    counter.failures += 1;
    if (counter.failures >= max) counter.lockedUntil = now + this.limits.lockoutMs;
    this.#counters.delete(key);
    this.#counters.set(key, counter);
    if (this.#counters.size > MAX_ENTRIES) {
      const oldest = this.#counters.keys().next().value;
      if (oldest !== undefined) this.#counters.delete(oldest);
    }
  }
}

const nameKey = (name: string) => `name:${name.toLowerCase()}`;
const addressKey = (address: string) => `addr:${address}`;
