import {
  type Actor,
  loadPolicy,
  PolicyInput,
  type PolicyProblem,
  PolicyQuery,
  type PolicyVersionView,
  withoutCanaries,
} from "@loopgate/core";
import { AppError, invalidInput } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { policyTextHash } from "./policy-registry.ts";
import { actorOf, type Principal, requireRole } from "./principal.ts";
import { parseInput } from "./zod-issues.ts";

/** How often a load is tried again when another writer put a policy version in force meanwhile. */
const LOAD_ATTEMPTS = 3;

/**
 * Validates a policy text and stores it as a new version (audited as `policy.loaded` with the version
 * it created), unless it is the same text as the active version. Returns the version in force afterwards.
 */
export async function installPolicy(
  deps: AppDeps,
  text: string,
  actor: Actor,
  source: string,
): Promise<{ version: number; changed: boolean }> {
  const check = loadPolicy(text, { version: 0 });
  if (!check.ok) throw invalidPolicy(check.problems, "load it again");
  const hash = policyTextHash(text);
  for (let attempt = 1; attempt <= LOAD_ATTEMPTS; attempt++) {
    const active = await deps.store.activePolicy();
    if (active !== null && active.hash === hash) {
      deps.policies.activate(active);
      return { version: active.version, changed: false };
    }
    const at = deps.now().toISOString();
    // The entry names the version it creates; the store refuses the change if another writer took
    // that number meanwhile (replicas starting with the same file), and the load is tried again.
    const version = (active?.version ?? 0) + 1;
    const result = await deps.store.commit({
      writes: [
        {
          kind: "insertPolicy",
          row: { text, hash, createdAt: at, createdBy: actor.name },
          expectVersion: version,
        },
      ],
      audit: [
        {
          at,
          actor,
          type: "policy.loaded",
          proposalId: null,
          data: { version, hash, source, previousVersion: active?.version ?? null },
        },
      ],
    });
    if (!result.ok) continue;
    deps.policies.activate({ version, text, hash, createdAt: at, createdBy: actor.name });
    deps.events.publishDeskWide("policy.loaded", at, version);
    return { version, changed: true };
  }
  throw new AppError(
    "conflict",
    "policy_changed",
    "Other policies were loaded at the same moment: read the policy in force and try again",
  );
}

/** A 400 listing a policy's problems, each with its path, line and column; `retry` says what to do after fixing. */
export function invalidPolicy(problems: readonly PolicyProblem[], retry: string): AppError {
  return invalidInput(
    "invalid_policy",
    problems.map((p) => ({
      path: p.path,
      message:
        p.line === null
          ? p.message
          : `line ${p.line}${p.column === null ? "" : `:${p.column}`}: ${p.message}`,
      ...(p.line === null ? {} : { line: p.line, column: p.column }),
    })),
    `The policy has ${problems.length} problem(s); fix them and ${retry} (run \`loopgate policy check\` locally)`,
  );
}

/** `PUT /v1/policy`: owners load a new policy version. */
export async function putPolicy(
  deps: AppDeps,
  principal: Principal,
  body: unknown,
): Promise<PolicyVersionView> {
  const owner = requireRole(principal, ["owner"]);
  const parsed = parseInput(PolicyInput, body, "invalid_input");
  const { version } = await installPolicy(deps, parsed.text, actorOf(owner), "api");
  return getPolicy(deps, principal, version);
}

/** `GET /v1/policy?version=`: the query's version, read with {@link getPolicy}. */
export async function readPolicy(
  deps: AppDeps,
  principal: Principal,
  query: Record<string, string>,
): Promise<PolicyVersionView> {
  const { version } = parseInput(PolicyQuery, query, "invalid_query", "query");
  return getPolicy(deps, principal, version);
}

/** `GET /v1/policy`: the active policy (or a given version) with its text. */
export async function getPolicy(
  deps: AppDeps,
  principal: Principal,
  version?: number,
): Promise<PolicyVersionView> {
  const person = requireRole(principal, ["reviewer", "owner", "auditor"]);
  const row =
    version === undefined ? await deps.store.activePolicy() : await deps.store.policyVersion(version);
  if (row === null && version !== undefined) {
    const active = await deps.store.activePolicy();
    throw new AppError(
      "not_found",
      "policy_version_not_found",
      `No policy version ${version}: versions run from 1 to ${active?.version ?? 0}`,
      { version, latest: active?.version ?? null },
    );
  }
  if (row === null) {
    throw new AppError("not_found", "no_policy", "No policy is loaded yet: PUT /v1/policy as an owner");
  }
  // Reviewer vigilance: reviewers never read the seeded canaries they are measured with.
  return person.user.role === "reviewer" ? { ...row, text: withoutCanaries(row.text) } : row;
}

/** `GET /v1/actions`: the action types of the active policy, with payload schemas — agents may read it. */
export function listActions(deps: AppDeps) {
  const policy = deps.policies.active();
  return {
    policyVersion: policy.version,
    items: [...policy.actionTypes.values()].map((a) => ({
      type: a.name,
      description: a.description,
      reversible: a.reversible,
      payloadSchema: a.payloadSchema,
      executeVia: a.execute.via,
      autonomy: a.autonomy,
      queue: a.review.queue,
      approvals: a.review.approvals,
      mcpTool: a.mcpTool,
      mcpServer: a.mcpServer,
    })),
    categories: policy.categories,
  };
}
