import type { Actor, AuditDraft, Role } from "@loopgate/core";
import type { UserRow, Write } from "../store/store.ts";
import { AppError } from "./app-error.ts";
import { withArticle } from "./wording.ts";

/**
 * A person's name as used to sign in and to act through keys: 1–100 letters, digits, `.`, `_`, `-` or `@`,
 * starting with a letter or digit. Kept narrow so a name reads the same in the audit log, the CLI and a URL.
 */
export const USER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;

/** Why a name is not usable as a user or agent name, or null when it is. */
export function nameProblem(name: string): string | null {
  if (USER_NAME_PATTERN.test(name)) return null;
  return "use 1–100 letters, digits, '.', '_', '-' or '@', starting with a letter or digit";
}

/**
 * May a key of role `keyRole` act as a person whose role is `userRole`? The same role always; an owner
 * may also hold reviewer or auditor keys, since owners can do everything those roles can. Nothing may
 * act as a person with more rights than the person has.
 */
export function roleCovers(userRole: Role, keyRole: Role): boolean {
  if (userRole === keyRole) return true;
  return userRole === "owner" && (keyRole === "reviewer" || keyRole === "auditor");
}

export interface NewUserInput {
  id: string;
  name: string;
  role: Exclude<Role, "agent">;
  now: string;
  /** Queues the person works; empty (the default) for every queue. */
  queues?: string[];
  /** May see unmasked personal data; by default only owners may. */
  pii?: boolean;
}

/** A user row with no password: such a person acts only through keys until a password is set. */
export function newUserRow(input: NewUserInput): UserRow {
  return {
    id: input.id,
    name: input.name,
    role: input.role,
    queues: input.queues ?? [],
    pii: input.pii ?? input.role === "owner",
    passwordHash: null,
    createdAt: input.now,
  };
}

/** The audit entry recording a new person. Never carries the password hash. */
export function userCreatedAudit(user: UserRow, actor: Actor, now: string): AuditDraft {
  return {
    at: now,
    actor,
    type: "user.created",
    proposalId: null,
    data: { userId: user.id, name: user.name, role: user.role, queues: user.queues, pii: user.pii },
  };
}

export interface EnsureUserInput {
  name: string;
  role: Exclude<Role, "agent">;
  /** The user of that name as read from the store, or null when there is none. */
  existing: UserRow | null;
  now: string;
  ids: () => string;
  actor: Actor;
}

/** The person a change acts as, and the writes and audit entries that create them when new. */
export interface EnsuredUser {
  user: UserRow;
  created: boolean;
  writes: Write[];
  audit: AuditDraft[];
}

/**
 * The user named `name`, created (as part of the caller's change) when absent. An existing user keeps
 * their role; a role they do not cover is refused rather than silently widened.
 *
 * @example
 * ```ts
 * const { user, writes, audit } = ensureUser({ name: "alice", role: "reviewer", existing: await store.userByName("alice"), now, ids, actor });
 * await store.commit({ writes, audit });
 * ```
 */
export function ensureUser(input: EnsureUserInput): EnsuredUser {
  const problem = nameProblem(input.name);
  if (problem !== null) {
    throw new AppError("invalid_input", "invalid_user_name", `User name "${input.name}": ${problem}`);
  }
  if (input.existing !== null) {
    if (input.existing.name !== input.name) {
      throw new Error(`ensureUser: existing user is "${input.existing.name}", not "${input.name}"`);
    }
    if (!roleCovers(input.existing.role, input.role)) {
      throw new AppError(
        "conflict",
        "user_role_mismatch",
        `${input.name} is ${withArticle(input.existing.role)}; ${withArticle(input.role)} key cannot act as them. Choose another name or role.`,
      );
    }
    return { user: input.existing, created: false, writes: [], audit: [] };
  }
  const user = newUserRow({ id: input.ids(), name: input.name, role: input.role, now: input.now });
  return {
    user,
    created: true,
    writes: [{ kind: "insertUser", row: user }],
    audit: [userCreatedAudit(user, input.actor, input.now)],
  };
}
