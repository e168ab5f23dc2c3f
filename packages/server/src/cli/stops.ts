import type { Command } from "commander";
import { pino } from "pino";
import { AppError } from "../app/app-error.ts";
import { DEFAULT_APP_CONFIG } from "../app/deps.ts";
import { EventBus } from "../app/events.ts";
import { PolicyRegistry } from "../app/policy-registry.ts";
import { createStop, liftStop } from "../app/stops.ts";
import type { Store } from "../store/store.ts";
import { CliError, EXIT } from "./cli-error.ts";
import { cliActor, dataDirFlag, describeLocation, newId, storeLocation, withStore } from "./environment.ts";
import { note, say, sayJson } from "./output.ts";

interface StopFlags {
  dataDir?: string;
  agent?: string;
  actionType?: string;
  all?: boolean;
  reason: string;
  json?: boolean;
}

interface ResumeFlags {
  dataDir?: string;
  json?: boolean;
  reason?: string;
}

/**
 * `loopgate stop` and `loopgate resume`. They write to the store directly, like `keys`, so they work
 * when the API is down or overloaded — which is when a stop is most needed. A running server honours
 * a stop at once: its dispatcher re-reads the stops before every claim, and every attempt checks them
 * again inside the transaction that starts it.
 */
export function registerStops(program: Command): void {
  program
    .command("stop")
    .description("stop automation for an agent, an action type, or everything")
    .option("--data-dir <dir>", "the server's data directory (default: $LOOPGATE_DATA_DIR or .loopgate)")
    .option("--agent <id>", "stop this agent's actions")
    .option("--action-type <type>", "stop actions of this type (with --agent: that agent's only)")
    .option("--all", "stop everything")
    .requiredOption("--reason <text>", "why, for the audit log")
    .option("--json", "print the stop as one JSON line")
    .addHelpText(
      "after",
      `
From the moment this returns, nothing in scope executes: queued executions are cancelled and new
proposals are held until the stop is lifted with loopgate resume <stop id>. An agent that has not
proposed anything yet can be stopped too; a warning then asks you to check its name (--json: agentSeen).

Examples:
  $ loopgate stop --agent support-bot --reason "sending wrong refunds"
  $ loopgate stop --all --reason "incident 42"`,
    )
    .action(async (flags: StopFlags) => stop(flags));

  program
    .command("resume <stopId>")
    .description("lift a stop; the proposals it held are routed again")
    .option("--data-dir <dir>", "the server's data directory (default: $LOOPGATE_DATA_DIR or .loopgate)")
    .option("--reason <text>", "why automation may resume (kept in the audit log)")
    .option("--json", "print the lifted stop as one JSON line")
    .addHelpText("after", '\nExample:\n  $ loopgate resume 0193f2c4-… --reason "refund bug fixed in 2.3.1"')
    .action(async (stopId: string, flags: ResumeFlags) => resume(stopId, flags));
}

async function stop(flags: StopFlags): Promise<void> {
  if (flags.all && (flags.agent !== undefined || flags.actionType !== undefined)) {
    throw new CliError("--all already stops everything: leave out --agent and --action-type", EXIT.usage);
  }
  if (!flags.all && flags.agent === undefined && flags.actionType === undefined) {
    throw new CliError(
      "say what to stop: --agent <id>, --action-type <type> (both: that agent's actions of that type), or --all",
      EXIT.usage,
    );
  }
  const scope = flags.all
    ? { all: true as const }
    : {
        ...(flags.agent === undefined ? {} : { agent: flags.agent }),
        ...(flags.actionType === undefined ? {} : { actionType: flags.actionType }),
      };
  const location = storeLocation(flags);
  const { view, created, agentsSeen } = await withStore(location, (store) =>
    asCli(async () => {
      const made = await createStop(await depsFor(store), cliActor(), { scope, reason: flags.reason });
      const agentsSeen = flags.agent === undefined ? [] : await proposingAgents(store);
      return { view: made.stop, created: made.created, agentsSeen };
    }),
  );
  // A stop may be put in place before an agent's first proposal, so an agent never seen is no error;
  // but it is most often a typo, which would leave the real agent running.
  const agentSeen = flags.agent === undefined ? undefined : agentsSeen.includes(flags.agent);
  if (flags.json) sayJson(agentSeen === undefined ? view : { ...view, agentSeen });
  else say(view.id);
  // The whole command, with the data directory used here: pasted without it, resume would look elsewhere.
  const resume = `Lift it with: loopgate resume ${view.id}${dataDirFlag(location)}`;
  if (created) note(`Stopped ${describe(view.scope)} in ${describeLocation(location)}. ${resume}`);
  else
    note(
      `Already stopped: ${describe(view.scope)} has been stopped since ${view.createdAt} by ` +
        `${view.createdBy.name} ("${view.reason}") in ${describeLocation(location)}; no new stop was made. ${resume}`,
    );
  if (agentSeen === false) note(unseenAgentWarning(flags.agent!, agentsSeen));
}

async function resume(stopId: string, flags: ResumeFlags): Promise<void> {
  const location = storeLocation(flags);
  const view = await withStore(location, (store) =>
    asCli(async () =>
      liftStop(
        await depsFor(store),
        cliActor(),
        stopId,
        flags.reason === undefined ? {} : { reason: flags.reason },
      ),
    ),
  );
  if (flags.json) sayJson(view);
  else say(view.id);
  note(`Lifted stop ${view.id} (${describe(view.scope)}); held proposals were routed again.`);
}

/** The agents that have proposed anything, sorted. */
async function proposingAgents(store: Store): Promise<string[]> {
  return [...new Set((await store.proposingPairs()).map((pair) => pair.agentId))].sort();
}

/** Most agent names a warning lists before it says how many more there are. */
const AGENTS_LISTED = 10;

function unseenAgentWarning(agent: string, seen: readonly string[]): string {
  const listed = seen.slice(0, AGENTS_LISTED).join(", ");
  const more = seen.length > AGENTS_LISTED ? ` and ${seen.length - AGENTS_LISTED} more` : "";
  const known =
    seen.length === 0 ? "no agent has proposed anything yet" : `agents seen so far: ${listed}${more}`;
  return (
    `Warning: no proposal from agent "${agent}" has been seen yet. The stop is in force and will hold ` +
    `its proposals when they come, but check the name (${known}).`
  );
}

/** The use cases' dependencies over a store the CLI opened (no dispatcher: the server's honours the stop). */
async function depsFor(store: Store) {
  const policies = new PolicyRegistry(store);
  await policies.refresh();
  return {
    store,
    now: () => new Date(),
    newId,
    policies,
    events: new EventBus(),
    logger: pino({ level: "silent" }),
    config: DEFAULT_APP_CONFIG,
  };
}

async function asCli<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) {
      const issues = (error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues;
      const detail = issues?.map((i) => `${i.path || "scope"}: ${i.message}`).join("; ");
      throw new CliError(detail ?? error.message, error.kind === "invalid_input" ? EXIT.usage : EXIT.failed);
    }
    throw error;
  }
}

function describe(scope: { agent?: string; actionType?: string; all?: true }): string {
  if (scope.all) return "everything";
  return [scope.agent && `agent ${scope.agent}`, scope.actionType && `action type ${scope.actionType}`]
    .filter(Boolean)
    .join(", ");
}
