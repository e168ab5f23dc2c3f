import type { Logger } from "pino";
import type { Store } from "../store/store.ts";
import type { EventBus } from "./events.ts";
import type { PolicyRegistry } from "./policy-registry.ts";

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
}

/** Tunables read once at start-up. */
export interface AppConfig {
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
}

export const DEFAULT_APP_CONFIG: AppConfig = Object.freeze({
  maxBodyBytes: 1_048_576,
  maxWaitSeconds: 60,
  claimLeaseSeconds: 300,
  timerIntervalMs: 1000,
});
