import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import type { ServerOptions } from "../../../src/http/start-server.ts";
import { ensureWebBuild, launchBrowser, openPage, signIn, type WatchedPage } from "./browser.ts";
import { type Desk, PASSWORD, startDesk } from "./desk.ts";

/** Someone who signs in to the desk with {@link PASSWORD}. */
export interface Person {
  name: string;
  role: "reviewer" | "owner" | "auditor";
  queues?: string[];
  pii?: boolean;
}

/** What a browser suite starts before its tests, beyond the desk's defaults. */
export interface DeskSetup {
  /**
   * Options for the server (a policy file, execution config, a clock), or a function that prepares
   * them first (writes a policy file, starts a receiver).
   */
  server?: Partial<ServerOptions> | (() => Promise<Partial<ServerOptions>>);
  /** People added as soon as the desk is up, in this order. */
  people?: Person[];
  /** Anything else to do with the desk before the browser starts: API keys, proposals to review. */
  seed?: (desk: Desk) => Promise<void>;
  /** Runs after the browser and the desk are closed (a receiver to stop, a folder to remove). */
  cleanup?: () => Promise<void>;
  /** How long the setup may take. @defaultValue 120_000 */
  timeout?: number;
}

/** The suite's desk and browser, set once its `beforeAll` has run. */
export interface DeskSession {
  desk: Desk;
  browser: Browser;
  /** A fresh browser context signed in as `name`; `timeout` is its pages' default, if given. */
  signIn(name: string, options?: { timeout?: number }): Promise<WatchedPage>;
}

/**
 * Registers the hooks of a browser suite: before its tests, build the reviewer app if stale, start a
 * desk with `setup`'s people and data, and launch Chromium; after them, close the browser and the desk.
 * Call it in a `describe` and read `desk` and `browser` from the answer inside tests and later hooks.
 *
 * @example
 * ```ts
 * const web = useDesk({ people: [{ name: "rita", role: "reviewer", pii: true }] });
 * it("shows the inbox", async () => {
 *   const { page } = await web.signIn("rita");
 * });
 * ```
 */
export function useDesk(setup: DeskSetup = {}): DeskSession {
  const session: DeskSession = {
    desk: undefined as unknown as Desk,
    browser: undefined as unknown as Browser,
    async signIn(name, { timeout } = {}) {
      const watched = await openPage(session.browser, session.desk.url);
      if (timeout !== undefined) watched.page.setDefaultTimeout(timeout);
      await signIn(watched.page, name, PASSWORD);
      return watched;
    },
  };
  beforeAll(async () => {
    ensureWebBuild();
    const options = typeof setup.server === "function" ? await setup.server() : setup.server;
    session.desk = await startDesk(options);
    for (const { name, role, ...rest } of setup.people ?? []) await session.desk.addPerson(name, role, rest);
    await setup.seed?.(session.desk);
    session.browser = await launchBrowser();
  }, setup.timeout ?? 120_000);
  afterAll(async () => {
    await session.browser?.close();
    await session.desk?.close();
    await setup.cleanup?.();
  });
  return session;
}
