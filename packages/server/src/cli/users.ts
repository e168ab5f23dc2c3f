import { type Command, InvalidArgumentError, Option } from "commander";
import { AppError } from "../app/app-error.ts";
import { addUser, setPassword } from "../app/people.ts";
import { CliError, EXIT } from "./cli-error.ts";
import { checkDeclaredNames } from "./declared-names.ts";
import {
  assertStoreExists,
  cliActor,
  dataDirFlag,
  describeLocation,
  newId,
  storeLocation,
  withStore,
} from "./environment.ts";
import { note, say, sayJson, shellQuote } from "./output.ts";
import { readPassword } from "./read-password.ts";

interface AddFlags {
  dataDir?: string;
  role: "reviewer" | "owner" | "auditor";
  queues?: string[];
  pii?: boolean;
  json?: boolean;
}

interface DirFlags {
  dataDir?: string;
  json?: boolean;
}

const DATA_DIR_HELP = "the server's data directory (default: $LOOPGATE_DATA_DIR or .loopgate)";

/** `loopgate users add|passwd|list`: people who sign in to the reviewer app. */
export function registerUsers(program: Command): void {
  const users = program
    .command("users")
    .description("add and list the people who sign in to the reviewer app")
    .addHelpText(
      "after",
      `
Passwords are read from stdin (the first line), or typed without echo at a terminal, and stored as
scrypt hashes. The CLI may run while a server uses the same data directory; new people can sign in at once.

Examples:
  $ echo "$ALICE_PASSWORD" | loopgate users add alice --role reviewer --queues support,billing
  $ loopgate users add olga --role owner
  $ loopgate users list --json`,
    );

  users
    .command("add <name>")
    .description("add a person with a password read from stdin")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .addOption(
      new Option("--role <role>", "what they may do")
        .choices(["reviewer", "owner", "auditor"])
        .makeOptionMandatory(),
    )
    .option("--queues <names>", "comma-separated queues they work (default: every queue)", parseQueues)
    .option("--pii", "may see personal data unmasked (owners may by default)")
    .option("--json", "print the person as one JSON line")
    .addHelpText(
      "after",
      `
The password is the first line of stdin, or typed without echo at a terminal. With a policy loaded,
--queues must name its queues. Prints the new person's id (alone on stdout).

Examples:
  $ echo "$RITA_PASSWORD" | loopgate users add rita --role reviewer --queues support,billing
  $ loopgate users add olga --role owner --data-dir /var/lib/loopgate`,
    )
    .action(async (name: string, flags: AddFlags) => add(name, flags));

  users
    .command("passwd <name>")
    .description("set or replace a person's password (read from stdin), e.g. one first created by a key")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .addHelpText(
      "after",
      `
Examples:
  $ loopgate users passwd rita
  $ echo "$NEW_PASSWORD" | loopgate users passwd rita --data-dir /var/lib/loopgate`,
    )
    .action(async (name: string, flags: DirFlags) => passwd(name, flags));

  users
    .command("list")
    .description("list people (never their password hashes)")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--json", "print one JSON object per person, one per line")
    .addHelpText(
      "after",
      "\nExamples:\n  $ loopgate users list\n  $ loopgate users list --json | jq -r .name",
    )
    .action(async (flags: DirFlags) => list(flags));
}

async function add(name: string, flags: AddFlags): Promise<void> {
  const location = storeLocation(flags);
  // The first person may be added before the server first starts, so this creates the store when missing.
  const user = await withStore(
    location,
    async (store) => {
      if (flags.queues !== undefined) {
        const where = describeLocation(location);
        await checkDeclaredNames(store, { flag: "--queues", kind: "queue", names: flags.queues, where });
      }
      // Asked for once the flags are known to be good, so a typo does not cost typing it again.
      const password = await readPassword();
      const hint = `set their password with: loopgate users passwd ${shellQuote(name)}${dataDirFlag(location)}`;
      return cliCall(
        () =>
          addUser(
            store,
            {
              name,
              role: flags.role,
              password,
              ...(flags.queues === undefined ? {} : { queues: flags.queues }),
              ...(flags.pii === undefined ? {} : { pii: flags.pii }),
            },
            { now: () => new Date().toISOString(), ids: newId, actor: cliActor() },
          ),
        { user_exists: hint },
      );
    },
    { create: true },
  );
  const view = { id: user.id, name: user.name, role: user.role, queues: user.queues, pii: user.pii };
  if (flags.json) sayJson(view);
  else say(user.id);
  const queues = user.queues.length === 0 ? "every queue" : `queues ${user.queues.join(", ")}`;
  note(
    `Added ${user.role} ${user.name} (${queues}${user.pii ? ", sees personal data" : ", personal data masked"}) in ${describeLocation(location)}.`,
  );
}

async function passwd(name: string, flags: DirFlags): Promise<void> {
  const location = storeLocation(flags);
  assertStoreExists(location); // before asking for a password that would go nowhere
  const password = await readPassword("New password: ");
  await withStore(location, (store) =>
    cliCall(() =>
      setPassword(store, name, password, {
        now: () => new Date().toISOString(),
        ids: newId,
        actor: cliActor(),
      }),
    ),
  );
  note(`Password set for ${name} in ${describeLocation(location)}.`);
}

async function list(flags: DirFlags): Promise<void> {
  const people = await withStore(storeLocation(flags), (store) => store.listUsers());
  const views = people
    .filter((user) => user.role !== "agent")
    .map((user) => ({
      id: user.id,
      name: user.name,
      role: user.role,
      queues: user.queues,
      pii: user.pii,
      password: user.passwordHash !== null,
      createdAt: user.createdAt,
    }));
  if (flags.json) {
    for (const view of views) sayJson(view);
    return;
  }
  if (views.length === 0) {
    note("No people yet. Add one with: loopgate users add <name> --role reviewer");
    return;
  }
  const rows = views.map((v) => [
    v.name,
    v.role,
    v.queues.length === 0 ? "*" : v.queues.join(","),
    v.pii ? "yes" : "no",
    v.password ? "yes" : "no (keys only)",
    v.createdAt,
  ]);
  const header = ["NAME", "ROLE", "QUEUES", "PII", "PASSWORD", "CREATED"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  for (const cells of [header, ...rows]) {
    say(
      cells
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    );
  }
}

/** Runs a use case, turning its refusal into the CLI's words; `hints` add what to do next, by error code. */
async function cliCall<T>(work: () => Promise<T>, hints: Record<string, string> = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) {
      const hint = hints[error.code];
      const message = hint === undefined ? error.message : `${error.message}: ${hint}`;
      throw new CliError(message, error.kind === "invalid_input" ? EXIT.usage : EXIT.failed);
    }
    throw error;
  }
}

function parseQueues(value: string): string[] {
  const queues = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (queues.length === 0) throw new InvalidArgumentError("give at least one queue, e.g. support");
  return queues;
}
