import type { Logger } from "pino";
import {
  DEFAULT_NOTIFICATION_CONFIG,
  type NotificationConfig,
} from "../notifications/notification-config.ts";
import type { Store } from "../store/store.ts";
import type { EventBus } from "./events.ts";
import type { ExecutionControl } from "./execution-control.ts";
import type { PolicyRegistry } from "./policy-registry.ts";
import type { SigningKey } from "./signing-key.ts";

/** What every use case needs: the store, the clock, ids, the loaded policies and the event bus. */
export interface AppDeps {
  store: Store;
  /** The current time; injected so tests can move it. */
  now: () => Date;
  /** A new unique, time-ordered id. */
  newId: () => string;
  policies: PolicyRegistry;
  events: EventBus;
  logger: Logger;
  config: AppConfig;
  /** The Ed25519 key that signs grants (and audit checkpoints); without it no grant is issued. */
  signingKey?: SigningKey;
  /** The running execution dispatcher, when there is one (a stop waits for its attempts in flight). */
  executions?: ExecutionControl;
}

/** Tunables read once at start-up (notification settings: see `NotificationConfig`). */
export interface AppConfig extends NotificationConfig {
  /**
   * The largest request body accepted, in bytes.
   * @defaultValue 1_048_576 (1 MiB)
   */
  maxBodyBytes: number;
  /**
   * The longest `?wait=` a long poll may ask for, in seconds.
   * @defaultValue 60
   */
  maxWaitSeconds: number;
  /**
   * How long a claim lasts when the reviewer does not say, in seconds.
   * @defaultValue 300
   */
  claimLeaseSeconds: number;
  /**
   * How often the timers look for reviews and information requests past their due time, in ms.
   * @defaultValue 1000
   */
  timerIntervalMs: number;
  /**
   * Hosts (`host` or `host:port`) webhook executors may call. Undefined: the hosts named in the loaded
   * policy's executors. An executor URL outside it is never called: the execution is dead-lettered.
   * @defaultValue undefined
   */
  executorAllowlist?: readonly string[];
  /**
   * Execution dispatch: how often to look for due executions (a new approval wakes it at once), the
   * first retry delay (doubling with full jitter) and its cap, in ms.
   * @defaultValue { pollMs: 500, retryBaseMs: 1000, retryMaxMs: 300_000 }
   */
  execution: { pollMs: number; retryBaseMs: number; retryMaxMs: number };
  /**
   * How long a grant for an agent-executed action stays valid, in seconds.
   * @defaultValue 86_400 (a day)
   */
  grantTtlSeconds: number;
  /**
   * Requests per second per caller (API key or session) and the burst above it; past it, 429 with
   * Retry-After. `perSecond: 0` turns limiting off.
   * @defaultValue { perSecond: 1000, burst: 2000 }
   */
  rateLimit: { perSecond: number; burst: number };
  /**
   * How often the circuit breakers are read for every agent and action type above its breakers'
   * `demoteTo` stage, in ms; a tripped breaker demotes on the next check.
   * @defaultValue 5000
   */
  breakerCheckMs: number;
}

export const DEFAULT_APP_CONFIG: AppConfig = Object.freeze({
  ...DEFAULT_NOTIFICATION_CONFIG,
  maxBodyBytes: 1_048_576,
  maxWaitSeconds: 60,
  claimLeaseSeconds: 300,
  timerIntervalMs: 1000,
  execution: Object.freeze({ pollMs: 500, retryBaseMs: 1000, retryMaxMs: 300_000 }),
  grantTtlSeconds: 86_400,
  rateLimit: Object.freeze({ perSecond: 1000, burst: 2000 }),
  breakerCheckMs: 5000,
});
