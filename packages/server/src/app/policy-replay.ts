import {
  type CompiledPolicy,
  loadPolicy,
  type PolicyProblem,
  type ReplayReport,
  ReplayRequest,
  type ReplayThresholds,
  resolveSince,
} from "@loopgate/core";
import type { Store } from "../store/store.ts";
import { AppError, invalidInput } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { invalidPolicy } from "./policy-admin.ts";
import { policyTextHash } from "./policy-registry.ts";
import { type Principal, requireRole } from "./principal.ts";
import { newReplay, type ReplaySettings } from "./replay-settings.ts";
import { replayParts, replayRange } from "./replay-walk.ts";
import { replayInParallel } from "./replay-workers.ts";
import { parseInput } from "./zod-issues.ts";

/** A candidate to replay: the compiled policy and what the report says about it. */
export interface ReplayCandidate {
  policy: CompiledPolicy;
  /** The stored version when the candidate is one (the active policy, or the same text), else null. */
  version: number | null;
  hash: string;
  /** The candidate's text, for worker threads to compile it again. */
  text: string;
}

/**
 * Replays the stored history from `since` under a candidate (SPEC §5 "Replay") and returns the report.
 * Shared by `POST /v1/policy/replay` and `loopgate policy replay`. Reads only what routing needs, a page
 * at a time in constant memory (see replay-walk.ts); on the embedded store a large history is cut into
 * parts replayed on worker threads (see replay-workers.ts), which gives the very same report.
 */
export async function replayHistory(
  store: Store,
  candidate: ReplayCandidate,
  options: {
    since: string | null;
    thresholds?: ReplayThresholds;
    onProgress?: (done: number, total: number) => void;
    /** Worker threads for a large history on the embedded store. @defaultValue up to 2, by cores */
    workers?: number;
    /** Proposals per stretch handed to a worker (tests use small ones). @defaultValue 25,000 */
    stretch?: number;
  },
): Promise<ReplayReport> {
  // Approved thresholds and autonomy stages stay in force under a candidate (they survive loading a
  // new policy, SPEC §4); a candidate threshold for an action type replaces them for every agent.
  const [thresholds, stages] = await Promise.all([store.thresholdsInForce(), store.autonomyStages()]);
  const settings: ReplaySettings = {
    thresholds: options.thresholds ?? {},
    inForce: thresholds.map((row) => [`${row.agentId}\u0000${row.actionType}`, row.auto]),
    stages: stages.map((row) => [`${row.agentId}\u0000${row.actionType}`, row.stage]),
    since: options.since,
  };
  const replay = newReplay(candidate.policy, settings);
  const parallel = await replayInParallel(store, candidate, settings, {
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.stretch === undefined ? {} : { stretch: options.stretch }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  if (parallel === null) {
    const total = options.onProgress === undefined ? null : await store.historySize(options.since);
    await replayRange(
      store,
      replay,
      replayParts(candidate.policy),
      { since: options.since, after: null, before: null },
      (done) => options.onProgress?.(done, Math.max(total ?? 0, done)),
    );
  } else {
    for (const part of parallel) replay.merge(part);
  }
  return replay.report({
    policyVersion: candidate.version,
    policyHash: candidate.hash,
    since: options.since,
  });
}

/**
 * Compiles a candidate policy text, or takes the active policy when `text` is null. A text equal to a
 * stored active version is reported under that version. Returns the problems when the text is invalid,
 * and `problems: null` when no text is given and no policy is loaded.
 */
export async function replayCandidate(
  store: Store,
  text: string | null,
): Promise<{ ok: true; candidate: ReplayCandidate } | { ok: false; problems: PolicyProblem[] | null }> {
  const active = await store.activePolicy();
  const source = text ?? active?.text ?? null;
  if (source === null) return { ok: false, problems: null };
  const hash = policyTextHash(source);
  const version = active !== null && active.hash === hash ? active.version : null;
  const loaded = loadPolicy(source, { version: version ?? 0, stored: version !== null });
  if (!loaded.ok) return { ok: false, problems: loaded.problems };
  return { ok: true, candidate: { policy: loaded.policy, version, hash, text: source } };
}

/** `POST /v1/policy/replay`: owners and auditors simulate a candidate policy or threshold over history. */
export async function postReplay(deps: AppDeps, principal: Principal, body: unknown): Promise<ReplayReport> {
  requireRole(principal, ["owner", "auditor"]);
  const request = parseInput(ReplayRequest, body, "invalid_input");
  let since: string | null = null;
  if (request.since !== undefined) {
    try {
      since = resolveSince(request.since, deps.now());
    } catch (error) {
      throw invalidInput("invalid_input", [{ path: "since", message: (error as Error).message }]);
    }
  }
  const loaded = await replayCandidate(deps.store, request.policy ?? null);
  if (!loaded.ok) {
    if (loaded.problems === null) {
      throw new AppError(
        "not_found",
        "no_policy",
        "No policy is loaded yet: send the candidate as `policy` (YAML text)",
      );
    }
    throw invalidPolicy(loaded.problems, "replay it again");
  }
  return replayHistory(deps.store, loaded.candidate, {
    since,
    ...(request.thresholds === undefined ? {} : { thresholds: request.thresholds }),
  });
}
