import type { Actor } from "@loopgate/core";
import type { Store, UserRow } from "../store/store.ts";
import { AppError } from "./app-error.ts";
import { hashPassword } from "./passwords.ts";
import { nameProblem, newUserRow, userCreatedAudit } from "./users.ts";
import { withArticle } from "./wording.ts";

/** A queue name as the policy spells it: lower-case words with `.`, `_` or `-`. */
const QUEUE_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

export interface AddUserInput {
  name: string;
  role: "reviewer" | "owner" | "auditor";
  password: string;
  /** Queues the person works; empty for every queue. */
  queues?: string[];
  /** May see unmasked personal data; owners by default. */
  pii?: boolean;
}

export interface PeopleDeps {
  now: () => string;
  ids: () => string;
  actor: Actor;
}

/**
 * Creates a person who signs in with a password (hashed with scrypt; the audit entry never holds it).
 *
 * @throws AppError `invalid_input` for a bad name, queue or weak password; `conflict` when the name is taken.
 */
export async function addUser(store: Store, input: AddUserInput, deps: PeopleDeps): Promise<UserRow> {
  const problem = nameProblem(input.name);
  if (problem !== null)
    throw new AppError("invalid_input", "invalid_user_name", `Name "${input.name}": ${problem}`);
  const badQueue = (input.queues ?? []).find((queue) => !QUEUE_NAME.test(queue));
  if (badQueue !== undefined) {
    throw new AppError(
      "invalid_input",
      "invalid_queue_name",
      `Queue "${badQueue}": use lower-case letters, digits, '.', '_' or '-', as in the policy`,
    );
  }
  const passwordHash = await hashPassword(input.password);
  const existing = await store.userByName(input.name);
  if (existing !== null) {
    throw new AppError(
      "conflict",
      "user_exists",
      `${input.name} already exists (${withArticle(existing.role)})`,
    );
  }
  const now = deps.now();
  const user: UserRow = {
    ...newUserRow({
      id: deps.ids(),
      name: input.name,
      role: input.role,
      now,
      queues: [...new Set(input.queues ?? [])],
      ...(input.pii === undefined ? {} : { pii: input.pii }),
    }),
    passwordHash,
  };
  const result = await store.commit({
    writes: [{ kind: "insertUser", row: user }],
    audit: [userCreatedAudit(user, deps.actor, now)],
  });
  if (!result.ok) {
    throw new AppError("conflict", "user_exists", `${input.name} was created by someone else just now`);
  }
  return user;
}

/**
 * Sets (or replaces) a person's password, e.g. for someone first created through a key. Audited
 * without the hash. Existing sessions stay valid until they expire or the person signs out.
 *
 * @throws AppError `not_found` for an unknown name; `invalid_input` for a weak password.
 */
export async function setPassword(
  store: Store,
  name: string,
  password: string,
  deps: PeopleDeps,
): Promise<UserRow> {
  const user = await store.userByName(name);
  if (user === null) {
    throw new AppError(
      "not_found",
      "user_not_found",
      `No user ${name}: create them with \`loopgate users add\``,
    );
  }
  if (user.role === "agent") {
    throw new AppError("invalid_input", "agent_has_no_password", "Agents use API keys, not passwords");
  }
  const passwordHash = await hashPassword(password);
  const now = deps.now();
  const result = await store.commit({
    writes: [{ kind: "setUserPassword", id: user.id, passwordHash }],
    audit: [
      {
        at: now,
        actor: deps.actor,
        type: "user.password_set",
        proposalId: null,
        data: { userId: user.id, name: user.name },
      },
    ],
  });
  if (!result.ok) throw new AppError("conflict", "user_changed", `${name} changed meanwhile: try again`);
  return { ...user, passwordHash };
}
