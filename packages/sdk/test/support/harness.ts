// biome-ignore-all lint/suspicious/noThenProperty: the fake's rules are written `{ when, then }`, as documented.
import { Loopgate } from "../../src/client.ts";
import type { LoopgateClient } from "../../src/loopgate-client.ts";
import { createFakeLoopgate, type FakeLoopgateOptions } from "../../src/testing/index.ts";
import type { ReviewItem } from "../../src/types.ts";
import { startScriptedServer } from "./scripted-server.ts";

/**
 * What the shared scenarios need: an agent's client, a reviewer's client, and three action types the
 * policy routes to review, to block and to auto-approve. Any backend that provides these can run the
 * scenarios: the fake, the scripted server, or a real server.
 */
export interface Harness {
  agent: LoopgateClient;
  reviewer: LoopgateClient;
  types: { review: string; blocked: string; auto: string };
  close(): Promise<void>;
}

export interface HarnessFactory {
  name: string;
  make(): Promise<Harness>;
}

const TYPES = { review: "test.review", blocked: "test.blocked", auto: "test.auto" };

/** The fake's stand-in for the policy a real server would load for the scenarios. */
export const SCENARIO_RULES: FakeLoopgateOptions = {
  rules: [
    {
      name: "block-test",
      when: { type: TYPES.blocked },
      then: { verdict: "block", message: "blocked in tests" },
    },
    { name: "auto-test", when: { type: TYPES.auto }, then: { verdict: "auto" } },
  ],
  default: { verdict: "review" },
};

/** The in-memory fake: one object acts as agent and reviewer. */
export const fakeHarness: HarnessFactory = {
  name: "fake",
  async make() {
    const fake = createFakeLoopgate(SCENARIO_RULES);
    return { agent: fake, reviewer: fake, types: TYPES, close: async () => {} };
  },
};

/** The HTTP client against the scripted §6 server, with an agent key and a reviewer key. */
export const scriptedServerHarness: HarnessFactory = {
  name: "client over HTTP (scripted server)",
  async make() {
    const server = await startScriptedServer(SCENARIO_RULES);
    const retry = { minDelayMs: 5, maxDelayMs: 100 };
    return {
      agent: new Loopgate({ url: server.url, apiKey: "agent-key", retry }),
      reviewer: new Loopgate({ url: server.url, apiKey: "reviewer-key", retry }),
      types: TYPES,
      close: () => server.close(),
    };
  },
};

/**
 * A real server, when `LOOPGATE_TEST_URL` is set, with `LOOPGATE_TEST_AGENT_KEY` and
 * `LOOPGATE_TEST_REVIEWER_KEY`. Its policy must route `test.review` to review (one approval, the
 * reviewer may decide it), block `test.blocked`, and auto-approve `test.auto`, each with
 * `execute: { via: agent }` and a payload schema that accepts `{ amount: number, note?: string }`.
 * Override the type names with `LOOPGATE_TEST_TYPES=review,blocked,auto`.
 */
export function realServerHarness(env = process.env): HarnessFactory | undefined {
  const url = env.LOOPGATE_TEST_URL;
  if (!url) return undefined;
  const [review, blocked, auto] = (env.LOOPGATE_TEST_TYPES ?? "").split(",");
  return {
    name: `real server at ${url}`,
    async make() {
      return {
        agent: new Loopgate({ url, apiKey: env.LOOPGATE_TEST_AGENT_KEY }),
        reviewer: new Loopgate({ url, apiKey: env.LOOPGATE_TEST_REVIEWER_KEY }),
        types: {
          review: review || TYPES.review,
          blocked: blocked || TYPES.blocked,
          auto: auto || TYPES.auto,
        },
        close: async () => {},
      };
    },
  };
}

/** A real Loopgate server started in this process on the embedded store, with the scenario policy. */
export const inProcessServerHarness: HarnessFactory = {
  name: "client over HTTP (real server)",
  async make() {
    const { startTestServer } = await import("../../../server/test/http/test-server.ts");
    const server = await startTestServer("sqlite", {
      policyFile: new URL("./scenario-policy.yaml", import.meta.url).pathname,
    });
    const retry = { minDelayMs: 5, maxDelayMs: 100 };
    return {
      agent: new Loopgate({ url: server.url, apiKey: await server.key("scenario-agent", "agent"), retry }),
      reviewer: new Loopgate({
        url: server.url,
        apiKey: await server.key("scenario-reviewer", "reviewer"),
        retry,
      }),
      types: TYPES,
      close: () => server.close(),
    };
  },
};

/** Every backend: the fake, the scripted server, a real server in-process, and one configured by env. */
export function harnesses(): HarnessFactory[] {
  const real = realServerHarness();
  return [fakeHarness, scriptedServerHarness, inProcessServerHarness, ...(real ? [real] : [])];
}

/**
 * The open review of a proposal, as a reviewer finds it in the queue; waits for it to appear (a real
 * server may open it a moment after answering the proposal). `except` skips a review already handled.
 */
export async function reviewOf(
  reviewer: LoopgateClient,
  proposalId: string,
  except?: string,
  timeoutMs = 5_000,
): Promise<ReviewItem> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let cursor: string | undefined;
    do {
      const page = await reviewer.listReviews({ limit: 500, cursor });
      const found = page.items.find((r) => r.proposalId === proposalId && r.id !== except);
      if (found) return found;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    if (Date.now() > deadline) throw new Error(`no open review for proposal ${proposalId}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
