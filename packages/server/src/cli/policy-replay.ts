import { type ReplayActionReport, type ReplayReport, resolveSince } from "@loopgate/core";
import type { Command } from "commander";
import { replayCandidate, replayHistory } from "../app/policy-replay.ts";
import { CliError, EXIT, usageError } from "./cli-error.ts";
import { describeLocation, storeLocation, withStore } from "./environment.ts";
import { note, say, sayJson } from "./output.ts";
import { printProblems } from "./policy-check.ts";
import { readInputFile } from "./policy-file.ts";
import { progressBar } from "./progress-bar.ts";

interface ReplayFlags {
  dataDir?: string;
  since?: string;
  threshold?: string[];
  json?: boolean;
}

/** `loopgate policy replay [candidate]`. */
export function registerPolicyReplay(policy: Command): void {
  policy
    .command("replay")
    .description("run a candidate policy or threshold over stored history and report what would change")
    .argument("[candidate]", "the candidate policy file; omitted: the active policy (to try --threshold)")
    .option("--data-dir <dir>", "the server's data directory (default: $LOOPGATE_DATA_DIR or .loopgate)")
    .option("--since <when>", "only proposals created since: an ISO date, or a duration back from now (30d)")
    .option(
      "--threshold <type=value>",
      "a candidate thresholds.auto for an action type, e.g. support.reply=0.85 (repeatable)",
      (value: string, all: string[] | undefined) => [...(all ?? []), value],
    )
    .option("--json", "print the report as one JSON line")
    .addHelpText(
      "after",
      `
Each stored proposal is routed again under the candidate from the input, signals and confidence as
recorded (nothing is recomputed), and compared with the route it got. Per action type the report shows
the route changes, the automation rate before and after, and, for proposals the candidate would newly
automate, the error rate estimated from what reviewers actually decided (mean of 1 − label, with a 95%
upper bound); newly automated proposals nobody decided are counted as unknown outcome. The same history
and candidate always give the same report. Reads the store directly, so it runs beside a server; with
LOOPGATE_DATABASE_URL set it reads that PostgreSQL database.

Examples:
  $ loopgate policy replay candidate.yaml --since 30d
  $ loopgate policy replay --threshold support.reply=0.85 --json | jq .totals.automationRate`,
    )
    .action(async (candidate: string | undefined, flags: ReplayFlags) => replay(candidate, flags));
}

async function replay(file: string | undefined, flags: ReplayFlags): Promise<void> {
  const thresholds = parseThresholds(flags.threshold ?? []);
  let since: string | null = null;
  if (flags.since !== undefined) {
    try {
      since = resolveSince(flags.since, new Date());
    } catch (error) {
      throw usageError(`--since: ${(error as Error).message}`);
    }
  }
  const text = file === undefined ? null : await readInputFile(file);
  const location = storeLocation(flags);
  const report = await withStore(location, async (store) => {
    const loaded = await replayCandidate(store, text);
    if (!loaded.ok) {
      if (loaded.problems === null) {
        throw new CliError(`no policy is loaded in ${describeLocation(location)}: name a candidate file`);
      }
      printProblems(file ?? "active policy", loaded.problems);
      process.exitCode = EXIT.failed;
      return null;
    }
    const bar = progressBar("Replaying proposals");
    try {
      return await replayHistory(store, loaded.candidate, { since, thresholds, onProgress: bar.update });
    } finally {
      bar.end();
    }
  });
  if (report === null) return;
  if (flags.json) sayJson(report);
  else printReport(file ?? `the active policy (version ${report.policyVersion})`, report);
}

/** `support.reply=0.85` flags to `{ "support.reply": 0.85 }`. */
function parseThresholds(flags: readonly string[]): Record<string, number> {
  const thresholds: Record<string, number> = {};
  for (const flag of flags) {
    const at = flag.lastIndexOf("=");
    const value = Number(flag.slice(at + 1));
    if (at <= 0 || flag.slice(at + 1).trim() === "" || !Number.isFinite(value) || value < 0) {
      throw usageError(
        `--threshold ${JSON.stringify(flag)}: write <actionType>=<value> with a number from 0 to 1 (above 1: never), e.g. support.reply=0.85`,
      );
    }
    thresholds[flag.slice(0, at)] = value;
  }
  return thresholds;
}

const pct = (value: number | null): string => (value === null ? "–" : `${(value * 100).toFixed(1)}%`);

/** The report as a table for people: one row per action type, then the route changes. */
function printReport(source: string, report: ReplayReport): void {
  const window = report.since === null ? "all stored history" : `proposals since ${report.since}`;
  const tried = Object.entries(report.thresholds).map(([type, value]) => `${type}=${value}`);
  say(`Replay of ${source} over ${window}: ${report.proposals} proposals`);
  if (tried.length > 0) say(`Candidate thresholds.auto: ${tried.join(", ")}`);
  say("");
  const header = [
    "action type",
    "proposals",
    "auto before",
    "auto after",
    "newly auto",
    "reviewed",
    "unknown",
    "est. error",
    "95% bound",
    "no longer auto",
  ];
  const rows = [...report.actionTypes, report.totals].map((a: ReplayActionReport) => [
    a.actionType === "*" ? "all" : a.declared ? a.actionType : `${a.actionType} (undeclared)`,
    String(a.proposals),
    pct(a.automationRate.before),
    pct(a.automationRate.after),
    String(a.newlyAutomated.count),
    String(a.newlyAutomated.reviewed),
    String(a.newlyAutomated.unknownOutcome),
    pct(a.newlyAutomated.estimatedErrorRate),
    pct(a.newlyAutomated.errorUpperBound),
    String(a.noLongerAutomated),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  say(line(header));
  for (const row of rows) say(line(row));
  const changes = report.actionTypes.flatMap((a) =>
    a.routeChanges.map((c) => `  ${a.actionType}: ${c.from} → ${c.to}  ${c.count}`),
  );
  say("");
  say(changes.length === 0 ? "No route changes." : "Route changes:");
  for (const change of changes) say(change);
  if (report.totals.newlyAutomated.unknownOutcome > 0) {
    note(
      `${report.totals.newlyAutomated.unknownOutcome} newly automated proposal(s) were never decided by a person: their error is unknown.`,
    );
  }
}
