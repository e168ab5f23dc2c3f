import { loadPolicy, type PolicyProblem } from "@loopgate/core";
import type { Command } from "commander";
import { CliError, EXIT } from "./cli-error.ts";
import { note, say, sayJson } from "./output.ts";
import { plural, readInputFile } from "./policy-file.ts";

/** `loopgate policy check <file>`. */
export function registerPolicyCheck(policy: Command): void {
  policy
    .command("check")
    .description("validate a policy file: fields, CEL conditions, action types, queues, stages")
    .argument("<file>", "the policy file, e.g. loopgate.yaml")
    .option("--json", "print {ok, file, summary} or {ok, file, problems} as one JSON line")
    .addHelpText(
      "after",
      `
Each problem is printed as <file>:<line>:<column> <path>: <message>. Exit status: 0 when the file is
valid, 1 when it has problems, 2 when it cannot be read.

Examples:
  $ loopgate policy check loopgate.yaml
  $ loopgate policy check loopgate.yaml --json | jq .problems`,
    )
    .action(async (file: string, flags: { json?: boolean }) => checkPolicy(file, flags));
}

async function checkPolicy(file: string, flags: { json?: boolean }): Promise<void> {
  const text = await readInputFile(file);
  // The store gives real version numbers; a file checked on its own has none yet.
  const loaded = loadPolicy(text, { version: 0 });
  if (!loaded.ok) {
    process.exitCode = EXIT.failed;
    if (flags.json) {
      sayJson({ ok: false, file, problems: loaded.problems });
      return;
    }
    printProblems(file, loaded.problems);
    return;
  }
  const { policy } = loaded;
  const summary = {
    actionTypes: policy.actionTypes.size,
    rules: policy.rules.length,
    queues: policy.queues.size,
    examples: policy.examples.length,
  };
  if (flags.json) {
    sayJson({ ok: true, file, summary });
    return;
  }
  say(
    `OK ${file}: ${plural(summary.actionTypes, "action type")}, ${plural(summary.rules, "rule")}, ` +
      `${plural(summary.queues, "queue")}, ${plural(summary.examples, "example")}`,
  );
}

/**
 * Reads a policy file another command is about to load (`serve --policy`) and checks it as `policy
 * check` does, so a bad file is refused before anything starts: one that cannot be read exits 2, and
 * one with problems prints them (to stderr: they are errors here, not the command's result) and exits 1.
 *
 * @returns the file's text.
 * @throws CliError when the file cannot be read or has problems.
 */
export async function readCheckedPolicy(file: string): Promise<string> {
  const text = await readInputFile(file);
  const loaded = loadPolicy(text, { version: 0 });
  if (!loaded.ok) {
    printProblems(file, loaded.problems, note);
    throw new CliError(
      `not started: ${file} has ${plural(loaded.problems.length, "problem")} (listed above); fix ${loaded.problems.length === 1 ? "it" : "them"} and start again`,
      EXIT.failed,
    );
  }
  return text;
}

/** Prints each problem as `<file>:<line>:<column> <path>: <message>`, then a count (to stdout unless told). */
export function printProblems(
  file: string,
  problems: readonly PolicyProblem[],
  write: (line: string) => void = say,
): void {
  for (const problem of problems) {
    const where = problem.line == null ? file : `${file}:${problem.line}:${problem.column ?? 1}`;
    write(`${where} ${problem.path === "" ? "(file)" : problem.path}: ${problem.message}`);
  }
  write(`${file}: ${plural(problems.length, "problem")}`);
}
