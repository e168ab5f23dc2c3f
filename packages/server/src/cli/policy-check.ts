import { loadPolicy, type PolicyProblem } from "@loopgate/core";
import type { Command } from "commander";
import { EXIT } from "./cli-error.ts";
import { say, sayJson } from "./output.ts";
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

/** Prints each problem as `<file>:<line>:<column> <path>: <message>`, then a count. */
export function printProblems(file: string, problems: readonly PolicyProblem[]): void {
  for (const problem of problems) {
    const where = problem.line == null ? file : `${file}:${problem.line}:${problem.column ?? 1}`;
    say(`${where} ${problem.path === "" ? "(file)" : problem.path}: ${problem.message}`);
  }
  say(`${file}: ${plural(problems.length, "problem")}`);
}
