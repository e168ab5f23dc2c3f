import { randomBytes as nodeRandomBytes } from "node:crypto";
import { ActionTypeName, type Actor, type AuditDraft, type Role } from "@loopgate/core";
import { sha256HexNative } from "../store/native-sha256.ts";
import type { ApiKeyRow, Change, Store, UserRow } from "../store/store.ts";
import { AppError } from "./app-error.ts";
import { ensureUser, nameProblem } from "./users.ts";

/** Random bytes in a key's secret: 256 bits, far beyond guessing or offline search. */
export const API_KEY_SECRET_BYTES = 32;

/** Every secret starts with this, so secret scanners and people can recognise a Loopgate key. */
export const API_KEY_PREFIX = "lg_";

/**
 * A new API key secret: `lg_<role>_<43 base64url characters>` (32 random bytes), e.g.
 * `lg_agent_q3Zk…`. The role in the prefix is a hint for people reading a config file; the server never
 * trusts it (the key's row, found by the secret's hash, holds the role). Without a role: `lg_<base64url>`.
 *
 * @example
 * ```ts
 * generateApiKey(crypto.getRandomValues(new Uint8Array(32)), "agent"); // "lg_agent_…"
 * ```
 */
export function generateApiKey(randomBytes: Uint8Array, role?: Role): string {
  if (randomBytes.length < API_KEY_SECRET_BYTES) {
    throw new RangeError(
      `generateApiKey needs ${API_KEY_SECRET_BYTES} random bytes, got ${randomBytes.length}`,
    );
  }
  const body = Buffer.from(randomBytes).toString("base64url");
  return role === undefined ? `${API_KEY_PREFIX}${body}` : `${API_KEY_PREFIX}${role}_${body}`;
}

/**
 * The stored form of a key: SHA-256 (hex) of the secret.
 *
 * A fast hash is right here, unlike for passwords: the secret carries 256 random bits, so there is no
 * dictionary to try and a slow KDF would buy nothing against a stolen table while costing time on every
 * authenticated request. Lookup by hash also needs a deterministic, unsalted digest.
 */
export function hashApiKey(secret: string): string {
  return sha256HexNative(secret); // one-shot: every request hashes its key to find it
}

export interface ApiKeyChangeInput {
  /** For agent keys, the agent's id; for the other roles, the person the key acts as. */
  name: string;
  role: Role;
  /** Agent keys only: the action types the key may propose; null for all. */
  actions: string[] | null;
  expiresAt?: string | null;
  /** The user named `name` as read from the store (null when absent; ignored for agent keys). */
  existingUser: UserRow | null;
  now: string;
  ids: () => string;
  actor: Actor;
  /** Source of the secret's randomness; node:crypto by default. */
  randomBytes?: (size: number) => Uint8Array;
}

export interface ApiKeyChange {
  /** The secret, shown once to whoever created the key and never stored. */
  secret: string;
  change: Change;
  key: ApiKeyRow;
  /** The person the key acts as (existing or created by the change); null for agent keys. */
  user: UserRow | null;
}

/**
 * The change that creates an API key, with its `key.created` audit entry (which names the key but never
 * holds the secret or its hash).
 *
 * A reviewer, owner or auditor key acts as the user named `name`, created in the same change when
 * absent, so distinct-approver rules hold for keys as for sessions. An agent key has no user: the
 * agent's id is the key's name.
 *
 * @throws AppError `invalid_input` for a bad name, actions on a non-agent key or an expiry not in the
 *   future; `conflict` when the named user's role does not cover the key's role.
 */
export function createApiKeyChange(input: ApiKeyChangeInput): ApiKeyChange {
  const problem = nameProblem(input.name);
  if (problem !== null)
    throw new AppError("invalid_input", "invalid_key_name", `Key name "${input.name}": ${problem}`);

  const actions = input.role === "agent" ? normaliseActions(input.actions) : null;
  if (input.role !== "agent" && input.actions !== null && input.actions.length > 0) {
    throw new AppError(
      "invalid_input",
      "actions_on_person_key",
      "Only agent keys are limited to action types; leave actions out for reviewer, owner and auditor keys.",
    );
  }
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null && !(Date.parse(expiresAt) > Date.parse(input.now))) {
    throw new AppError("invalid_input", "invalid_expiry", `Expiry ${expiresAt} is not a time in the future.`);
  }

  const ensured =
    input.role === "agent"
      ? null
      : ensureUser({
          name: input.name,
          role: input.role,
          existing: input.existingUser,
          now: input.now,
          ids: input.ids,
          actor: input.actor,
        });

  const secret = generateApiKey((input.randomBytes ?? nodeRandomBytes)(API_KEY_SECRET_BYTES), input.role);
  const key: ApiKeyRow = {
    id: input.ids(),
    name: input.name,
    role: input.role,
    hash: hashApiKey(secret),
    actions,
    userId: ensured?.user.id ?? null,
    createdAt: input.now,
    expiresAt,
    revokedAt: null,
  };
  const created: AuditDraft = {
    at: input.now,
    actor: input.actor,
    type: "key.created",
    proposalId: null,
    data: {
      keyId: key.id,
      name: key.name,
      role: key.role,
      actions: key.actions,
      userId: key.userId,
      expiresAt: key.expiresAt,
    },
  };
  return {
    secret,
    key,
    user: ensured?.user ?? null,
    change: {
      writes: [...(ensured?.writes ?? []), { kind: "insertApiKey", row: key }],
      audit: [...(ensured?.audit ?? []), created],
    },
  };
}

function normaliseActions(actions: string[] | null): string[] | null {
  if (actions === null || actions.length === 0) return null;
  const unique = [...new Set(actions)];
  for (const action of unique) {
    if (!ActionTypeName.safeParse(action).success) {
      throw new AppError(
        "invalid_input",
        "invalid_action_type",
        `Action type "${action}": use lower-case words joined by dots, e.g. billing.refund`,
      );
    }
  }
  return unique;
}

export interface CreateApiKeyInput {
  name: string;
  role: Role;
  actions?: string[] | null;
  expiresAt?: string | null;
}

export interface CreateApiKeyDeps {
  now: () => string;
  ids: () => string;
  actor: Actor;
  randomBytes?: (size: number) => Uint8Array;
}

/** Tries before giving up when another process creates the same user at the same moment. */
const USER_RACE_ATTEMPTS = 3;

/**
 * Creates an API key in the store (and its user when needed) and returns the secret, once.
 *
 * @example
 * ```ts
 * const { secret } = await createApiKey(store, { name: "support-bot", role: "agent" }, { now, ids, actor });
 * ```
 */
export async function createApiKey(
  store: Store,
  input: CreateApiKeyInput,
  deps: CreateApiKeyDeps,
): Promise<{ secret: string; key: ApiKeyRow; user: UserRow | null }> {
  for (let attempt = 1; ; attempt++) {
    const existingUser = input.role === "agent" ? null : await store.userByName(input.name);
    const { secret, change, key, user } = createApiKeyChange({
      name: input.name,
      role: input.role,
      actions: input.actions ?? null,
      expiresAt: input.expiresAt ?? null,
      existingUser,
      now: deps.now(),
      ids: deps.ids,
      actor: deps.actor,
      ...(deps.randomBytes ? { randomBytes: deps.randomBytes } : {}),
    });
    const result = await store.commit(change);
    if (result.ok) return { secret, key, user };
    // A duplicate user means another process created the person in between: read it again and retry.
    const userRace = result.conflict.kind === "duplicate" && user !== null && existingUser === null;
    if (!userRace || attempt >= USER_RACE_ATTEMPTS) {
      throw new AppError(
        "conflict",
        "key_not_created",
        `The key was not created: ${JSON.stringify(result.conflict)}`,
      );
    }
  }
}
