import { ResultNotReportedError } from "../gate-errors.ts";
import type { LoopgateClient } from "../loopgate-client.ts";
import type { JsonObject, Proposal } from "../types.ts";

/**
 * Runs an approved tool call with the approved payload and reports the result, as `gate` does. When the
 * proposal already shows an executed result (a framework replaying a step after a restart), the recorded
 * output is returned instead of running the action a second time.
 *
 * @example
 * ```ts
 * const outcome = await awaitOutcome(loopgate, proposal, 60_000);
 * if (outcome.approved) await runApproved(loopgate, outcome.proposal, outcome.payload, (p) => refund(p));
 * ```
 */
export async function runApproved<Result>(
  client: LoopgateClient,
  proposal: Proposal,
  payload: JsonObject,
  run: (payload: JsonObject) => Result | Promise<Result>,
): Promise<Awaited<Result>> {
  // Read afresh: the proposal in hand may be an idempotent replay, older than an execution it reports.
  const current = await client.getProposal(proposal.id);
  if (current.execution.status === "executed") return current.execution.result as Awaited<Result>;
  let result: Awaited<Result>;
  try {
    result = await run(payload);
  } catch (error) {
    // The caller needs the tool's own error; a failure to report it must not hide it.
    const message = error instanceof Error ? error.message : String(error);
    await client.reportResult(proposal.id, { status: "failed", error: message }).catch(() => {});
    throw error;
  }
  try {
    await client.reportResult(proposal.id, { status: "succeeded", output: toJson(result) });
  } catch (error) {
    throw new ResultNotReportedError(proposal, result, error);
  }
  return result;
}

/** Tool results can hold values JSON cannot (undefined, class instances); report what JSON keeps. */
function toJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}
