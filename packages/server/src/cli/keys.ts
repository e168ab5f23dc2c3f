import { ActionTypeName, type AuditEntry, parseDuration, Role } from "@loopgate/core";
import { type Command, InvalidArgumentError, Option } from "commander";
import { createApiKey } from "../app/api-keys.ts";
import { AppError } from "../app/app-error.ts";
import { nameProblem } from "../app/users.ts";
import type { Store } from "../store/store.ts";
import { CliError, EXIT } from "./cli-error.ts";
import { checkDeclaredNames } from "./declared-names.ts";
import { cliActor, describeLocation, newId, storeLocation, withStore } from "./environment.ts";
import { note, say, sayJson } from "./output.ts";

interface CreateFlags {
  dataDir?: string;
  name: string;
  role: Role;
  actions?: string[];
  expires?: string;
  json?: boolean;
}

interface ListFlags {
  dataDir?: string;
  json?: boolean;
}

/** `loopgate keys create|list`. */
export function registerKeys(program: Command): void {
  const keys = program
    .command("keys")
    .description("create and list API keys for agents, reviewers, owners and auditors")
    .addHelpText(
      "after",
      `
Keys are stored hashed; the secret is printed once, when the key is created.
With LOOPGATE_DATABASE_URL set, keys are written to that PostgreSQL database.

Examples:
  $ loopgate keys create --name support-bot --role agent --actions support.reply,billing.refund
  $ loopgate keys create --name alice --role owner --expires 90d --json
  $ loopgate keys list --data-dir .loopgate`,
    );

  keys
    .command("create")
    .description("create an API key and print its secret (alone on stdout)")
    .option("--data-dir <dir>", "the server's data directory (default: $LOOPGATE_DATA_DIR or .loopgate)")
    .requiredOption("--name <name>", "agent id for agent keys; for other roles the person the key acts as")
    .addOption(new Option("--role <role>", "what the key may do").choices(Role.options).makeOptionMandatory())
    .option("--actions <types>", "agent keys only: comma-separated action types it may propose", parseList)
    .option("--expires <when>", "an ISO time (2026-12-31T00:00:00Z) or a duration from now (90d, 12h)")
    .option("--json", "print {id, name, role, key} as one JSON line")
    .addHelpText(
      "after",
      `
A reviewer, owner or auditor key acts as the user named --name, created if absent.
An agent key's name is the agent's id. New keys work at once, even with a server running.

Examples:
  $ loopgate keys create --name support-bot --role agent --actions support.reply
  $ export LOOPGATE_API_KEY=$(loopgate keys create --name ci --role auditor --expires 30d)`,
    )
    .action(async (flags: CreateFlags) => createKey(flags));

  keys
    .command("list")
    .description("list API keys (never their secrets)")
    .option("--data-dir <dir>", "the server's data directory (default: $LOOPGATE_DATA_DIR or .loopgate)")
    .option("--json", "print one JSON object per key, one per line")
    .addHelpText("after", "\nExample:\n  $ loopgate keys list --json")
    .action(async (flags: ListFlags) => listKeys(flags));
}

async function createKey(flags: CreateFlags): Promise<void> {
  if (flags.actions !== undefined && flags.role !== "agent") {
    throw new CliError("--actions limits agent keys only; leave it out for a person's key", EXIT.usage);
  }
  const problem = nameProblem(flags.name);
  if (problem !== null) throw new CliError(`--name ${flags.name}: ${problem}`, EXIT.usage);
  const now = new Date();
  const expiresAt = flags.expires === undefined ? null : parseExpiry(flags.expires, now);
  const location = storeLocation(flags);
  // A key may be the first thing made for a new server, so this creates the store when missing.
  const created = await withStore(
    location,
    async (store) => {
      if (flags.actions !== undefined) {
        const where = describeLocation(location);
        await checkDeclaredNames(store, {
          flag: "--actions",
          kind: "action type",
          names: flags.actions,
          where,
        });
      }
      try {
        return await createApiKey(
          store,
          { name: flags.name, role: flags.role, actions: flags.actions ?? null, expiresAt },
          { now: () => new Date().toISOString(), ids: newId, actor: cliActor() },
        );
      } catch (error) {
        if (error instanceof AppError) {
          throw new CliError(error.message, error.kind === "invalid_input" ? EXIT.usage : EXIT.failed);
        }
        throw error;
      }
    },
    { create: true },
  );
  const { key, user } = created;
  if (flags.json) {
    sayJson({ id: key.id, name: key.name, role: key.role, key: created.secret });
  } else {
    say(created.secret);
  }
  const actingAs = user === null ? `agent ${key.name}` : `user ${user.name} (${user.role})`;
  const scope = key.actions === null ? "" : `, actions ${key.actions.join(", ")}`;
  const expiry = key.expiresAt === null ? "" : `, expires ${key.expiresAt}`;
  note(
    `Created ${key.role} key ${key.id} for ${actingAs}${scope}${expiry} in ${describeLocation(location)}.`,
  );
  note("The key is shown once: store it now.");
}

/** One key as listed: what its `key.created` audit entry recorded. */
interface ListedKey {
  id: string;
  name: string;
  role: string;
  actions: string[] | null;
  userId: string | null;
  createdAt: string;
  expiresAt: string | null;
}

async function listKeys(flags: ListFlags): Promise<void> {
  const keys = await withStore(storeLocation(flags), readKeys);
  if (flags.json) {
    for (const key of keys) sayJson(key);
    return;
  }
  if (keys.length === 0) {
    note("No keys yet. Create one with: loopgate keys create --name <name> --role <role>");
    return;
  }
  const rows = keys.map((k) => [
    k.id,
    k.name,
    k.role,
    k.actions === null ? "*" : k.actions.join(","),
    k.createdAt,
    k.expiresAt ?? "never",
  ]);
  for (const line of table(["ID", "NAME", "ROLE", "ACTIONS", "CREATED", "EXPIRES"], rows)) say(line);
}

/**
 * Keys as recorded by their `key.created` audit entries. The Store port has no key listing yet, and
 * every key is created with that entry in the same transaction, so the audit log is a complete list.
 */
async function readKeys(store: Store): Promise<ListedKey[]> {
  const keys: ListedKey[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listAudit({ type: "key.created" }, 500, cursor);
    for (const entry of page.items) keys.push(listedKey(entry));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return keys;
}

function listedKey(entry: AuditEntry): ListedKey {
  const data = entry.data;
  const text = (value: unknown): string => (typeof value === "string" ? value : "");
  return {
    id: text(data.keyId),
    name: text(data.name),
    role: text(data.role),
    actions: Array.isArray(data.actions) ? data.actions.map(String) : null,
    userId: typeof data.userId === "string" ? data.userId : null,
    createdAt: entry.at,
    expiresAt: typeof data.expiresAt === "string" ? data.expiresAt : null,
  };
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function parseList(value: string): string[] {
  const items = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (items.length === 0) throw new InvalidArgumentError("give at least one action type, e.g. support.reply");
  const bad = items.find((item) => !ActionTypeName.safeParse(item).success);
  if (bad !== undefined) {
    throw new InvalidArgumentError(`"${bad}" is not an action type: use lower-case words joined by dots`);
  }
  return items;
}

/**
 * An expiry given as an ISO date or time, or as a duration from `now` (`90d`, `12h`, `1h30m`).
 *
 * @throws CliError (usage) when it is neither, or not in the future.
 */
export function parseExpiry(text: string, now: Date): string {
  let at: number;
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    at = Date.parse(text);
    if (Number.isNaN(at)) throw new CliError(`--expires ${text}: not a valid ISO date or time`, EXIT.usage);
  } else {
    try {
      at = now.getTime() + parseDuration(text);
    } catch (error) {
      throw new CliError(
        `--expires: ${(error as Error).message}; or an ISO time, e.g. 2026-12-31T00:00:00Z`,
        EXIT.usage,
      );
    }
  }
  if (at <= now.getTime())
    throw new CliError(`--expires ${text}: the expiry must be in the future`, EXIT.usage);
  return new Date(at).toISOString();
}
