import type { ProposalStatus } from "@loopgate/core/wire";

/**
 * Whether waiting on a proposal is over: it reached a terminal status, or `needs_info`, where it waits
 * for the agent rather than for a person. `held` (a stop is in force) is still waiting.
 *
 * The switch is exhaustive on purpose: a status added to `@loopgate/core` fails the type check here
 * until someone decides which side it falls on.
 *
 * @example
 * ```ts
 * import { isSettled } from "@loopgate/sdk";
 *
 * isSettled("approved"); // true
 * isSettled("pending_review"); // false
 * ```
 */
export function isSettled(status: ProposalStatus): boolean {
  switch (status) {
    case "auto_approved":
    case "approved":
    case "approved_with_edits":
    case "rejected":
    case "blocked":
    case "expired":
    case "handled_manually":
    case "cancelled":
    case "needs_info":
      return true;
    case "pending_review":
    case "escalated":
    case "held":
      return false;
    default:
      return assertNever(status);
  }
}

/**
 * Marks a branch the type checker proves unreachable; throws if a value from outside the types gets there.
 *
 * @example
 * ```ts
 * import { assertNever } from "@loopgate/sdk";
 *
 * type Light = "red" | "green";
 * const go = (l: Light) => (l === "red" ? false : l === "green" ? true : assertNever(l));
 * ```
 */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
