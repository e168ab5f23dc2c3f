import {
  type CompiledPolicy,
  computeSignals,
  DEFAULT_TOPICS,
  loadPolicy,
  type PolicyExample,
  runPolicyExamples,
  type Signals,
} from "@loopgate/core";
import type { Command } from "commander";
import { CliError, EXIT } from "./cli-error.ts";
import { say, sayJson } from "./output.ts";
import { printProblems } from "./policy-check.ts";
import { plural, readInputFile } from "./policy-file.ts";

/** `loopgate policy test <file>`. */
export function registerPolicyTest(policy: Command): void {
  policy
    .command("test")
    .description("run the example proposals written beside the rules and compare their routes")
    .argument("<file>", "the policy file, e.g. loopgate.yaml")
    .option("--json", "print one JSON line per example, then a summary line")
    .addHelpText(
      "after",
      `
Each example under \`examples:\` is routed as a real proposal would be: Loopgate's built-in signals are
computed from its proposal, then its own \`signals\` are laid over them. Exit status: 0 when every example
gets its expected route (and rules, when listed), 1 when one does not or the file has no examples or
problems, 2 when the file cannot be read.

Example policy snippet:
  examples:
    - name: large refunds go to the leads
      proposal: { action: { type: billing.refund, payload: { amount: 250 } } }
      expect: { route: escalate, rules: [large-refund] }

Examples:
  $ loopgate policy test loopgate.yaml
  $ loopgate policy test loopgate.yaml --json`,
    )
    .action(async (file: string, flags: { json?: boolean }) => testPolicy(file, flags));
}

async function testPolicy(file: string, flags: { json?: boolean }): Promise<void> {
  const text = await readInputFile(file);
  const loaded = loadPolicy(text, { version: 0 });
  if (!loaded.ok) {
    process.exitCode = EXIT.failed;
    if (flags.json) sayJson({ ok: false, file, problems: loaded.problems });
    else printProblems(file, loaded.problems);
    return;
  }
  const results = runPolicyExamples(loaded.policy, (example) => exampleSignals(loaded.policy, example));
  if (results.length === 0) {
    throw new CliError(
      `${file} has no examples: add some under "examples:" (see loopgate policy test --help)`,
    );
  }
  const failed = results.filter((r) => !r.ok).length;
  if (failed > 0) process.exitCode = EXIT.failed;
  if (flags.json) {
    for (const result of results) sayJson(result);
    sayJson({ ok: failed === 0, file, passed: results.length - failed, failed });
    return;
  }
  for (const result of results) {
    const actual = describeRoute(result.actual);
    if (result.ok) {
      say(`✓ ${result.name}: ${actual}`);
    } else {
      say(`✗ ${result.name}: expected ${describeRoute(result.expected)}, got ${actual}`);
      if (result.message) say(`    ${result.message}`);
    }
  }
  say(
    failed === 0
      ? `OK ${file}: ${plural(results.length, "example")} passed`
      : `FAILED ${file}: ${failed} of ${plural(results.length, "example")} failed`,
  );
}

/** Loopgate's built-in signals for an example's proposal, computed as the server computes a real one's. */
function exampleSignals(policy: CompiledPolicy, example: PolicyExample): Signals {
  const { proposal } = example;
  const settings = policy.actionTypes.get(proposal.action.type);
  return computeSignals({
    action: proposal.action,
    request: proposal.request,
    summary: proposal.summary,
    evidence: proposal.evidence,
    supplied: proposal.signals,
    settings: {
      topics: policy.topics ?? DEFAULT_TOPICS,
      amountField: settings?.amountField ?? null,
      draftField: settings?.draftField ?? null,
    },
  });
}

/** `escalate (rules: large-refund, angry-customer)`, from a route or an expectation. */
function describeRoute(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || typeof value !== "object") return String(value);
  const record = value as { route?: unknown; verdict?: unknown; rules?: unknown; reasons?: unknown };
  const route = String(record.route ?? record.verdict ?? "?");
  const rules = Array.isArray(record.rules)
    ? record.rules.map(String)
    : Array.isArray(record.reasons)
      ? record.reasons.map((r) => String((r as { rule?: unknown }).rule))
      : null;
  return rules === null ? route : `${route} (rules: ${rules.length === 0 ? "none" : rules.join(", ")})`;
}
