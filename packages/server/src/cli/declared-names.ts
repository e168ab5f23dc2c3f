import { PolicyRegistry } from "../app/policy-registry.ts";
import type { Store } from "../store/store.ts";
import { usageError } from "./cli-error.ts";
import { note, withArticle } from "./output.ts";

/** What a flag names that the active policy should declare: `--actions` action types, `--queues` queues. */
export interface DeclaredNamesCheck {
  /** The flag, for the message: `--actions`. */
  flag: string;
  kind: "action type" | "queue";
  names: readonly string[];
  /** Where the store is, for the warning when no policy is loaded (`describeLocation`). */
  where: string;
}

/**
 * Refuses names the active policy does not declare (exit 2, listing the declared ones): a mistyped
 * action type or queue would otherwise be stored and silently match nothing. A store with no policy
 * loaded yet cannot tell, so the names are kept and a warning goes to stderr.
 *
 * @example
 * ```ts
 * await checkDeclaredNames(store, { flag: "--queues", kind: "queue", names: ["support"], where });
 * ```
 * @throws CliError (usage) naming the undeclared names and the declared ones.
 */
export async function checkDeclaredNames(store: Store, check: DeclaredNamesCheck): Promise<void> {
  const policy = await new PolicyRegistry(store).refresh();
  if (policy === null) {
    note(
      `loopgate: warning: no policy is loaded in ${check.where} yet, so ${check.flag} ${check.names.join(",")} ` +
        "could not be checked against its declared names",
    );
    return;
  }
  const declared = check.kind === "action type" ? policy.actionTypes : policy.queues;
  const unknown = check.names.filter((name) => !declared.has(name));
  if (unknown.length === 0) return;
  const which =
    unknown.length === 1
      ? `"${unknown[0]}" is not ${withArticle(check.kind)}`
      : `${unknown.map((name) => `"${name}"`).join(", ")} are not ${check.kind}s`;
  throw usageError(
    `${check.flag}: ${which} of the active policy (version ${policy.version}); ` +
      `its ${check.kind}s are ${[...declared.keys()].sort().join(", ")}`,
  );
}
