import { randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** A demo user: signs in to the app with the password; the simulated reviewers act with the key. */
export interface DemoUser {
  name: string;
  role: "reviewer" | "owner";
  /** Queues the person works; empty for every queue. */
  queues: string[];
  password: string;
  key: string;
}

/** Where one ticket stands: the proposal the agent is following and whether it is finished. */
export interface TicketProgress {
  step: "action" | "reply";
  proposalId: string;
  finished: boolean;
}

/**
 * What the demo remembers between runs in `demo-state.json`: the webhook secret, the users with their
 * passwords and keys (so the same sign-in details print every time), and how far each ticket got. The
 * file holds secrets for a local demo and is written with mode 0600; a real deployment has no such file.
 */
export interface DemoState {
  version: 1;
  webhookSecret: string;
  agentKey: string | null;
  users: DemoUser[];
  tickets: Record<string, TicketProgress>;
}

const FILE = "demo-state.json";

/** Reads the state of an earlier run in `dataDir`, or starts a new one. */
export async function loadDemoState(dataDir: string): Promise<DemoState> {
  try {
    const state = JSON.parse(await readFile(join(dataDir, FILE), "utf8")) as DemoState;
    if (state.version === 1) return state;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" && !(error instanceof SyntaxError)) throw error;
  }
  return {
    version: 1,
    webhookSecret: `whsec_${randomBytes(24).toString("base64")}`,
    agentKey: null,
    users: [],
    tickets: {},
  };
}

/**
 * Saves the state, at most one write at a time and the latest state last; written to a temporary file and
 * renamed, so a crash never leaves half a file.
 */
export class DemoStateFile {
  readonly #path: string;
  #pending: Promise<void> = Promise.resolve();
  #dirty = false;

  constructor(
    dataDir: string,
    readonly state: DemoState,
  ) {
    this.#path = join(dataDir, FILE);
  }

  /** Schedules a save of the current state. */
  save(): Promise<void> {
    if (this.#dirty) return this.#pending;
    this.#dirty = true;
    this.#pending = this.#pending.then(async () => {
      this.#dirty = false;
      const temporary = `${this.#path}.tmp`;
      await writeFile(temporary, `${JSON.stringify(this.state, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, this.#path);
    });
    return this.#pending;
  }
}
