import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { registerAuditExport } from "./audit-export.ts";
import { registerAuditVerify } from "./audit-verify.ts";
import { registerAutonomy } from "./autonomy.ts";
import { CliError, EXIT } from "./cli-error.ts";
import { registerDemo } from "./demo.ts";
import { registerExportFeedback } from "./export-feedback.ts";
import { registerKeys } from "./keys.ts";
import { registerMcp } from "./mcp.ts";
import { note } from "./output.ts";
import { registerPolicyCheck } from "./policy-check.ts";
import { registerPolicyReplay } from "./policy-replay.ts";
import { registerPolicyTest } from "./policy-test.ts";
import { registerServe } from "./serve.ts";
import { registerStops } from "./stops.ts";
import { registerUsers } from "./users.ts";

/**
 * The `loopgate` command line. Each command lives in its own file and registers itself here.
 *
 * Exit status: 0 when the command succeeded, 1 when a check failed or the work could not be done,
 * 2 for a usage error. Expected failures print one line to stderr; only bugs print a stack trace.
 */
export function buildProgram(): Command {
  const program = new Command("loopgate")
    .description("Loopgate: the human-in-the-loop gateway for AI agents")
    .version(packageVersion(), "-v, --version")
    // Throw instead of exiting, so `main` owns the exit status (and tests can build the program).
    .exitOverride()
    // `main` prints usage errors itself, as `loopgate: …` like every other failure (docs/cli.md).
    .configureOutput({ outputError: () => {} })
    .showSuggestionAfterError()
    .configureHelp({ sortSubcommands: false })
    .addHelpText(
      "after",
      `
Environment:
  LOOPGATE_DATABASE_URL       use this PostgreSQL database instead of the embedded store
  LOOPGATE_DATA_DIR           default for --data-dir (otherwise .loopgate)
  LOOPGATE_AUDIT_SIGNING_KEY  base64 Ed25519 secret that signs audit checkpoints

Exit status: 0 ok, 1 check failed or operation failed, 2 usage error.

Examples:
  $ loopgate serve --policy loopgate.yaml
  $ loopgate keys create --name support-bot --role agent
  $ loopgate policy check loopgate.yaml && loopgate policy test loopgate.yaml
  $ loopgate audit export --out audit.jsonl --checkpoint-out checkpoint.json
  $ loopgate audit verify audit.jsonl --checkpoint checkpoint.json`,
    );

  registerServe(program);
  registerDemo(program);
  registerKeys(program);
  registerStops(program);
  registerAutonomy(program);
  registerUsers(program);
  registerMcp(program);

  const policy = program
    .command("policy")
    .description("check a policy file, run its examples, replay it over stored history")
    .addHelpText(
      "after",
      "\nExamples:\n  $ loopgate policy check loopgate.yaml\n  $ loopgate policy test loopgate.yaml\n" +
        "  $ loopgate policy replay candidate.yaml --since 30d",
    );
  registerPolicyCheck(policy);
  registerPolicyTest(policy);
  registerPolicyReplay(policy);

  const exportCommand = program
    .command("export")
    .description("export decided reviews for evals and training (nothing is fed back automatically)")
    .addHelpText("after", "\nExamples:\n  $ loopgate export feedback --since 30d --out feedback.jsonl");
  registerExportFeedback(exportCommand);

  const audit = program
    .command("audit")
    .description("export the audit log and verify an export offline")
    .addHelpText(
      "after",
      "\nExamples:\n  $ loopgate audit export --out audit.jsonl --checkpoint-out checkpoint.json\n" +
        "  $ loopgate audit verify audit.jsonl --checkpoint checkpoint.json",
    );
  registerAuditExport(audit);
  registerAuditVerify(audit);

  return program;
}

/** Runs the command line (`process.argv`) and sets the exit status. */
export async function main(argv: readonly string[]): Promise<void> {
  // `loopgate audit export | head` closes the pipe early: stop quietly, as other Unix tools do.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? EXIT.ok);
    throw error;
  });
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    process.exitCode = reportFailure(error, program, argv.slice(2));
  }
}

/** Prints a failure the way its kind deserves and returns the exit status. */
function reportFailure(error: unknown, program: Command, args: readonly string[]): number {
  if (error instanceof CommanderError) {
    // `--help` and `--version` are successes; help shown for a bare `loopgate keys` is already printed.
    if (error.exitCode === 0) return EXIT.ok;
    if (error.code !== "commander.help") note(`loopgate: ${usageMessage(error.message, program, args)}`);
    return EXIT.usage;
  }
  if (error instanceof CliError) {
    note(`loopgate: ${error.message}`);
    return error.exitCode;
  }
  if (isEnvironmentError(error)) {
    // Files and databases that are missing or refuse us are the operator's to fix, not bugs.
    note(`loopgate: ${error.message}`);
    return EXIT.failed;
  }
  note(`loopgate: unexpected error (please report it with the command you ran):`);
  note(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return EXIT.failed;
}

/**
 * Commander's message as one line with what to do: `error: unknown option '--jsno'\n(Did you mean
 * --json?)` becomes `unknown option '--jsno' (Did you mean --json?); see loopgate serve --help`.
 */
function usageMessage(message: string, program: Command, args: readonly string[]): string {
  const text = message
    .replace(/^error: /, "")
    .replace(/\s*\n\s*/g, " ")
    .replace(/ is invalid\. /, " is invalid: ") // "argument 'abc' is invalid: give a port number …"
    .replace(/\.$/, "")
    .trim();
  return `${text}; see ${commandPath(program, args)} --help`;
}

/** `loopgate keys create`: the command the arguments name, as far as they name one. */
function commandPath(program: Command, args: readonly string[]): string {
  const names = [program.name()];
  let command = program;
  for (const arg of args) {
    if (arg.startsWith("-")) continue;
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (sub === undefined) break;
    names.push(sub.name());
    command = sub;
  }
  return names.join(" ");
}

function isEnvironmentError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    error instanceof Error &&
    typeof code === "string" &&
    /^(E[A-Z]+|28P01|3D000|57P03|SQLITE_[A-Z_]+)$/.test(code) // errno, PostgreSQL auth/db/startup, SQLite
  );
}

function packageVersion(): string {
  try {
    const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
    return (JSON.parse(text) as { version?: string }).version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}
