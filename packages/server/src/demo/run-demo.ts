import { setMaxListeners } from "node:events";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { Loopgate } from "@loopgate/sdk";
import { llmDrafter, withFallback } from "../../../../examples/support-desk/llm-drafter.ts";
import { type Drafter, templateDrafter } from "../../../../examples/support-desk/reply-drafting.ts";
import { SupportAgent } from "../../../../examples/support-desk/support-agent.ts";
import { buildTickets, type Ticket } from "../../../../examples/support-desk/tickets.ts";
import { createApiKey } from "../app/api-keys.ts";
import { addUser, setPassword } from "../app/people.ts";
import { installPolicy } from "../app/policy-admin.ts";
import { SYSTEM_ACTOR } from "../app/principal.ts";
import { type RunningServer, startServer } from "../http/start-server.ts";
import { DemoReceiver, RECEIVER_PREFIX } from "./demo-receiver.ts";
import { type DemoState, DemoStateFile, type DemoUser, loadDemoState } from "./demo-state.ts";
import { withExecutorOrigin } from "./policy-origin.ts";
import { type SimulatedDecision, startSimulatedReviewers } from "./simulated-reviewers.ts";

/** The support-desk policy the demo loads. */
export const DEMO_POLICY = new URL("../../../../examples/policies/support-desk.yaml", import.meta.url);

/** The origin the policy file's executor URLs name; replaced in those URLs (only) by the demo's own. */
export const POLICY_ORIGIN = "http://127.0.0.1:4747";

/** The environment variable the policy's executors read their signing secret from. */
export const WEBHOOK_SECRET_ENV = "LOOPGATE_DEMO_WEBHOOK_SECRET";

/** The demo's people, in the order they are printed: the first reviewer works the `support` queue. */
const PEOPLE: readonly Omit<DemoUser, "password" | "key">[] = [
  { name: "sam", role: "reviewer", queues: ["support"] },
  { name: "bea", role: "reviewer", queues: ["billing", "billing-leads"] },
  // A second billing specialist, so a refund's two approvals do not need the owner; and a lead for what
  // the support queue escalates and for complaints.
  { name: "ben", role: "reviewer", queues: ["billing", "billing-leads"] },
  { name: "lea", role: "reviewer", queues: ["support-leads", "complaints"] },
  { name: "olivia", role: "owner", queues: [] },
];

export interface DemoOptions {
  port: number;
  host?: string;
  dataDir: string;
  reset?: boolean;
  simulateReviewers?: boolean;
  /** Reading times of the simulated reviewers are multiplied by this. @defaultValue 0.05 */
  reviewerTimeScale?: number;
  llm?: { url: string; model: string };
  /** How many tickets the agent works on at once. @defaultValue 6 */
  concurrency?: number;
  /** How many tickets to work through; all 320 when not given (tests use fewer). */
  ticketLimit?: number;
  /** Called after each ticket's first proposal. */
  onProgress?: (done: number, total: number) => void;
  /** Where notes for the operator go (stderr in the CLI). */
  log?: (line: string) => void;
  logLevel?: string;
}

/** A proposal as the agent saw it when it was made or answered. */
export interface SeenProposal {
  ticketId: string;
  step: "action" | "reply";
  actionType: string;
  verdict: string;
  status: string;
  rules: string[];
}

export interface RunningDemo {
  url: string;
  dataDir: string;
  users: { name: string; password: string; role: string; queues: string[] }[];
  ownerKey: string;
  server: RunningServer;
  receiver: DemoReceiver;
  /** Tickets whose first proposal was made, this run and earlier ones. */
  processed: number;
  /** The simulated people's decisions so far (empty without `simulateReviewers`). */
  simulatedDecisions: readonly SimulatedDecision[];
  /** Every proposal the agent made or revised in this run, latest state first seen, by id. */
  proposals: ReadonlyMap<string, SeenProposal>;
  close(): Promise<void>;
}

/**
 * Runs the support-desk demo: the server on the embedded store in `dataDir` with the demo receiver
 * mounted at `/demo/receiver`, the support-desk policy, three people and the agent's key, then the agent
 * over every ticket not yet processed (resuming those a previous run left waiting). Resolves once every
 * ticket has its first proposal, i.e. once the desk is populated; the agent keeps following proposals
 * (and the simulated reviewers keep deciding) until `close`.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const log = options.log ?? (() => {});
  if (options.reset) await resetDataDir(options.dataDir);
  await mkdir(options.dataDir, { recursive: true });
  const stateFile = new DemoStateFile(options.dataDir, await loadDemoState(options.dataDir));
  const { state } = stateFile;

  const receiver = await DemoReceiver.open(options.dataDir, state.webhookSecret);
  const server = await startServer({
    port: options.port,
    host: options.host ?? "127.0.0.1",
    dataDir: options.dataDir,
    logLevel: options.logLevel ?? "warn",
    mounts: [{ prefix: RECEIVER_PREFIX, fetch: receiver.fetch }],
    // The executors sign with this data directory's secret; nothing else in the process sees it.
    executorEnv: { ...process.env, [WEBHOOK_SECRET_ENV]: state.webhookSecret },
  });
  const aborter = new AbortController();
  // Every ticket the agent follows waits on this one signal.
  setMaxListeners(0, aborter.signal);
  const seen = new Map<string, SeenProposal>();
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    aborter.abort(new Error("the demo is stopping"));
    for (const stop of stops) await stop();
    await stateFile.save();
    await server.close();
  };
  try {
    const policy = withExecutorOrigin(await readFile(DEMO_POLICY, "utf8"), POLICY_ORIGIN, server.url);
    await installPolicy(server.deps, policy, SYSTEM_ACTOR, "file:examples/policies/support-desk.yaml");
    await ensurePeople(server, state);
    await stateFile.save();

    const agent = new SupportAgent({
      loopgate: new Loopgate({ url: server.url, apiKey: state.agentKey! }),
      ...(options.llm ? { drafter: modelDrafter(options.llm, log) } : {}),
      signal: aborter.signal,
      onProposal: (ticket, step, proposal) => {
        seen.set(proposal.id, {
          ticketId: ticket.id,
          step,
          actionType: proposal.action.type,
          verdict: proposal.route.verdict,
          status: proposal.status,
          rules: proposal.route.reasons.map((reason) => reason.rule),
        });
        state.tickets[ticket.id] = { step, proposalId: proposal.id, finished: false };
        void stateFile.save();
      },
    });
    const tickets = buildTickets().slice(0, options.ticketLimit);
    const finished = (ticket: Ticket, outcome: Promise<unknown>) =>
      outcome.then(
        () => {
          const progress = state.tickets[ticket.id];
          if (progress) progress.finished = true;
          void stateFile.save();
        },
        (error: unknown) => {
          if (!aborter.signal.aborted)
            log(`ticket ${ticket.id}: ${error instanceof Error ? error.message : error}`);
        },
      );
    for (const ticket of tickets) {
      const progress = state.tickets[ticket.id];
      if (progress && !progress.finished)
        void finished(ticket, agent.resume(ticket, progress.step, progress.proposalId));
    }
    const todo = tickets.filter((ticket) => state.tickets[ticket.id] === undefined);
    let done = tickets.length - todo.length;
    if (done > 0) log(`Continuing: ${done} of ${tickets.length} tickets were processed by an earlier run.`);
    options.onProgress?.(done, tickets.length);
    const queue = [...todo];
    const worker = async () => {
      for (let ticket = queue.shift(); ticket !== undefined; ticket = queue.shift()) {
        const { finished: outcome } = await agent.start(ticket);
        void finished(ticket, outcome);
        done += 1;
        options.onProgress?.(done, tickets.length);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 6 }, worker));
    await stateFile.save();

    let simulatedDecisions: readonly SimulatedDecision[] = [];
    if (options.simulateReviewers) {
      const simulation = startSimulatedReviewers({
        url: server.url,
        reviewers: state.users.map((user) => ({ name: user.name, key: user.key })),
        tickets: new Map(tickets.map((ticket) => [ticket.id, ticket])),
        timeScale: options.reviewerTimeScale ?? 0.05,
        log,
      });
      stops.push(() => simulation.stop());
      simulatedDecisions = simulation.decisions;
    }
    const owner = state.users.find((user) => user.role === "owner")!;
    return {
      url: server.url,
      dataDir: options.dataDir,
      users: state.users.map(({ name, password, role, queues }) => ({ name, password, role, queues })),
      ownerKey: owner.key,
      server,
      receiver,
      processed: done,
      proposals: seen,
      simulatedDecisions,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Creates the demo's people (with passwords and keys) and the agent's key, once per data directory. */
async function ensurePeople(server: RunningServer, state: DemoState): Promise<void> {
  const { store, newId } = server.deps;
  const deps = { now: () => new Date().toISOString(), ids: newId, actor: SYSTEM_ACTOR };
  for (const person of PEOPLE) {
    if (state.users.some((user) => user.name === person.name)) continue;
    const password = generatePassword();
    if ((await store.userByName(person.name)) === null) {
      await addUser(store, { name: person.name, role: person.role, password, queues: person.queues }, deps);
    } else {
      // The store outlived the state file: give the person the password this run prints.
      await setPassword(store, person.name, password, deps);
    }
    const { secret } = await createApiKey(store, { name: person.name, role: person.role }, deps);
    state.users.push({ ...person, password, key: secret });
  }
  if (state.agentKey === null) {
    state.agentKey = (await createApiKey(store, { name: "support-bot", role: "agent" }, deps)).secret;
  }
}

/** A password people can type: three short words and a number, e.g. `amber-otter-lamp-42`. */
function generatePassword(): string {
  const words =
    "amber river otter lamp cedar pebble maple harbor falcon meadow copper willow tulip ember".split(" ");
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  const pick = (i: number) => words[bytes[i]! % words.length]!;
  return `${pick(0)}-${pick(1)}-${pick(2)}-${10 + (bytes[3]! % 90)}`;
}

/** The model drafter for `--llm-url`, falling back to templates (with one warning) when the model fails. */
function modelDrafter(llm: { url: string; model: string }, log: (line: string) => void): Drafter {
  return withFallback(llmDrafter({ baseUrl: llm.url, model: llm.model }), templateDrafter, (error) =>
    log(`The model at ${llm.url} failed (${error.message}); drafting with templates where it fails.`),
  );
}

/**
 * Deletes a demo data directory for `--reset`, refusing anything that does not look like one (a directory
 * with files but no demo-state.json), so a mistyped `--data-dir .` cannot wipe a project.
 */
async function resetDataDir(dataDir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if (entries.length > 0 && !entries.includes("demo-state.json")) {
    throw Object.assign(
      new Error(`${dataDir} is not a demo data directory (no demo-state.json): not deleting it for --reset`),
      { code: "ENOTDEMO" },
    );
  }
  await rm(dataDir, { recursive: true, force: true });
}
