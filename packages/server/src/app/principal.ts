import type { Actor, ActorVia } from "@loopgate/core";
import type { UserRow } from "../store/store.ts";
import { AppError } from "./app-error.ts";

/** Who is calling: an agent through its API key, or a person (through a key or, later, a session). */
export type Principal =
  | { kind: "agent"; keyId: string; agentId: string; actions: readonly string[] | null }
  | { kind: "user"; keyId: string | null; user: UserRow; sessionId?: string };

/** A person acting, as the audit log names them: who, and through which credential. */
export interface Person {
  id: string;
  name: string;
  via?: ActorVia;
}

/**
 * The person behind a user principal, with the API key or session they act through.
 *
 * @example
 * ```ts
 * personOf({ kind: "user", keyId: "k1", user }); // { id: user.id, name: user.name, via: { kind: "key", id: "k1" } }
 * ```
 */
export function personOf(principal: Extract<Principal, { kind: "user" }>): Person {
  const { id, name } = principal.user;
  if (principal.keyId !== null) return { id, name, via: { kind: "key", id: principal.keyId } };
  if (principal.sessionId !== undefined)
    return { id, name, via: { kind: "session", id: principal.sessionId } };
  return { id, name };
}

/** The audit actor for a person; `via` only when known (an absent key, never an undefined one, hashes alike). */
export function personActor(person: Person): Actor {
  return person.via === undefined
    ? { kind: "user", id: person.id, name: person.name }
    : { kind: "user", id: person.id, name: person.name, via: person.via };
}

/** The audit actor for a principal. */
export function actorOf(principal: Principal): Actor {
  return principal.kind === "agent"
    ? { kind: "agent", id: principal.agentId, name: principal.agentId }
    : personActor(personOf(principal));
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ kind: "system", id: "loopgate", name: "Loopgate" });

/** Refuses anyone but an agent. */
export function requireAgent(principal: Principal): Extract<Principal, { kind: "agent" }> {
  if (principal.kind !== "agent") {
    throw new AppError("forbidden", "agent_key_required", "Only an agent's API key can do this");
  }
  return principal;
}

/** Refuses anyone who cannot decide reviews: agents (never) and auditors (read-only). */
export function requireDecider(principal: Principal): Extract<Principal, { kind: "user" }> {
  if (principal.kind === "agent") {
    throw new AppError(
      "forbidden",
      "agents_cannot_decide",
      "Agents can never decide reviews: use a reviewer's or an owner's key or session",
    );
  }
  if (principal.user.role !== "reviewer" && principal.user.role !== "owner") {
    throw new AppError("forbidden", "reviewer_role_required", "Only reviewers and owners can decide reviews");
  }
  return principal;
}

/** Refuses anyone but the given roles (owners may do everything reviewers may). */
export function requireRole(
  principal: Principal,
  roles: readonly ("reviewer" | "owner" | "auditor")[],
): Extract<Principal, { kind: "user" }> {
  if (principal.kind === "user") {
    const role = principal.user.role;
    if (roles.includes(role as "reviewer") || (role === "owner" && roles.includes("reviewer")))
      return principal;
  }
  throw new AppError("forbidden", "role_required", `This needs one of these roles: ${roles.join(", ")}`);
}

/** Whether a person works a queue (no queues listed means every queue; owners see all). */
export function worksQueue(principal: Principal, queue: string): boolean {
  if (principal.kind !== "user") return false;
  const { user } = principal;
  if (user.role === "owner" || user.role === "auditor") return true;
  return user.queues.length === 0 || user.queues.includes(queue);
}

/**
 * The second owner of a two-person change (a threshold recommendation, an autonomy promotion): an
 * owner who is not the one who asked for it (403 `second_owner_required` otherwise).
 *
 * @example
 * ```ts
 * const approver = requireSecondOwner(principal, row.requestedBy, "You asked to apply this recommendation");
 * ```
 */
export function requireSecondOwner(
  principal: Principal,
  requestedBy: { id: string; name: string },
  asked: string,
): Extract<Principal, { kind: "user" }> {
  const owner = requireRole(principal, ["owner"]);
  if (requestedBy.id === owner.user.id) {
    throw new AppError("forbidden", "second_owner_required", `${asked}; a different owner must approve it`, {
      requestedBy,
    });
  }
  return owner;
}
