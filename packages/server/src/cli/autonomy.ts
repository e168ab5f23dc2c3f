import type { AutonomyState } from "@loopgate/core";
import type { Command } from "commander";
import { autonomyStates } from "../app/autonomy-views.ts";
import { PolicyRegistry } from "../app/policy-registry.ts";
import { CliError, EXIT } from "./cli-error.ts";
import { describeLocation, storeLocation, withStore } from "./environment.ts";
import { note, say, sayJson } from "./output.ts";

interface AutonomyFlags {
  dataDir?: string;
  agent?: string;
  actionType?: string;
  json?: boolean;
}

/**
 * `loopgate autonomy`: each agent's autonomy stage per action type, the evidence against the promotion
 * criteria and the circuit breakers, read from the store (so it works while the API is down).
 * Promotions are asked for and approved by two owners through the API or the reviewer app.
 */
export function registerAutonomy(program: Command): void {
  program
    .command("autonomy")
    .description("show each agent's autonomy stage per action type, its evidence and circuit breakers")
    .option("--data-dir <dir>", "the server's data directory (default: $LOOPGATE_DATA_DIR or .loopgate)")
    .option("--agent <id>", "only this agent")
    .option("--action-type <type>", "only this action type")
    .option("--json", "print one JSON line per agent and action type")
    .addHelpText(
      "after",
      `
A promotion needs the evidence (see the criteria) and two owners: one asks with
POST /v1/autonomy/promotions, a different one approves. Breakers demote automatically.

Examples:
  $ loopgate autonomy
  $ loopgate autonomy --agent support-bot --json`,
    )
    .action(async (flags: AutonomyFlags) => show(flags));
}

async function show(flags: AutonomyFlags): Promise<void> {
  const location = storeLocation(flags);
  const list = await withStore(location, async (store) => {
    const policies = new PolicyRegistry(store);
    if ((await policies.refresh()) === null) {
      throw new CliError(
        `No policy is loaded in ${describeLocation(location)}: start the server with --policy`,
        EXIT.failed,
      );
    }
    return autonomyStates(
      { store, policies, now: () => new Date() },
      {
        ...(flags.agent === undefined ? {} : { agent: flags.agent }),
        ...(flags.actionType === undefined ? {} : { actionType: flags.actionType }),
      },
    );
  });
  if (flags.json) {
    for (const item of list.items) sayJson(item);
    return;
  }
  if (list.items.length === 0) {
    const filtered = flags.agent !== undefined || flags.actionType !== undefined;
    note(
      filtered
        ? "No agent and action type match: check --agent and --action-type."
        : "No agent has proposed anything yet.",
    );
    return;
  }
  for (const item of list.items) say(line(item));
}

/** One agent and action type in a line: stage, evidence, what a promotion lacks, tripped breakers. */
function line(item: AutonomyState): string {
  const stage = item.stage === item.policyStage ? item.stage : `${item.stage} (policy: ${item.policyStage})`;
  const rate =
    item.evidence.overrideRate === null ? "n/a" : `${(item.evidence.overrideRate * 100).toFixed(1)}%`;
  const unmet = item.criteria.filter((c) => !c.met).map((c) => c.name);
  const next =
    item.next === null
      ? "at the top"
      : item.pendingPromotion !== null
        ? `promotion to ${item.pendingPromotion.to} waits for a second owner`
        : item.eligible
          ? `eligible for ${item.next}`
          : `not yet eligible for ${item.next} (${unmet.join(", ")})`;
  const tripped = item.breakers.filter((b) => b.tripped).map((b) => b.name);
  return [
    `${item.agent}  ${item.actionType}  ${stage}`,
    `decisions ${item.evidence.decisions}, override ${rate}`,
    next,
    tripped.length === 0 ? "breakers ok" : `TRIPPED: ${tripped.join(", ")}`,
  ].join("  ·  ");
}
