import { type ResultInput, verifyGrant } from "@loopgate/core";
import type { ExecutionRow } from "../store/execution-rows.ts";
import type { ProposalRow, Write } from "../store/store.ts";
import { AppError } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { hashPayloadNative } from "./native-hash.ts";

/**
 * Checks the grant behind an agent's result report and returns the writes that consume it. A grant is
 * single-use: a reported success records it in `used_grants` (in the same commit as the result), so a
 * second report under it is refused with 409 `grant_already_used`; a grant or payload that is not the
 * approved one is refused with 422. A reported failure does not consume the grant: the action did not
 * take effect, and the agent may try again until the grant expires.
 */
export async function grantConsumption(
  deps: AppDeps,
  proposal: ProposalRow,
  report: ResultInput,
  now: Date,
): Promise<Write[]> {
  const executions = await deps.store.executionsOfProposal(proposal.id);
  const execution = executions.find((e) => e.kind === "execute" && e.doc.grant !== undefined);
  if (execution === undefined) {
    if (report.grant !== undefined) {
      throw new AppError(
        "unprocessable",
        "grant_not_issued",
        "No grant was issued for this proposal: it is not executed by the agent",
      );
    }
    return [];
  }
  const bound = execution.doc.grant!;
  if (report.grant !== undefined) checkPresented(deps, execution, report, now);
  if (report.payload !== undefined && hashPayloadNative(report.payload) !== bound.payloadHash) {
    throw new AppError(
      "unprocessable",
      "grant_payload_mismatch",
      "The payload reported is not the approved one: the grant covers only the exact approved payload",
      { payloadHash: hashPayloadNative(report.payload), approvedPayloadHash: bound.payloadHash },
    );
  }
  // Presented again: say so. (A report without a grant after a success gets 409 already_executed.)
  if (report.grant !== undefined && (await deps.store.grantUse(execution.id)) !== null)
    throw alreadyUsed(execution.id);
  if (report.status !== "succeeded") return [];
  const at = now.toISOString();
  return [
    {
      kind: "insertGrantUse",
      row: { grantId: execution.id, proposalId: proposal.id, payloadHash: bound.payloadHash, usedAt: at },
    },
    {
      kind: "updateExecution",
      id: execution.id,
      expectVersion: execution.version,
      set: { status: "executed", attempts: execution.attempts + 1, updatedAt: at },
    },
  ];
}

function checkPresented(deps: AppDeps, execution: ExecutionRow, report: ResultInput, now: Date): void {
  const key = deps.signingKey;
  if (key === undefined)
    throw new AppError("unavailable", "grants_unavailable", "This server has no grant signing key");
  const payload = report.payload ?? execution.doc.action.payload;
  const check = verifyGrant(report.grant, payload, key.publicKey, { now, keyId: key.keyId });
  if (!check.ok) {
    const code =
      check.reason === "expired"
        ? "grant_expired"
        : check.reason === "payload_mismatch"
          ? "grant_payload_mismatch"
          : "grant_invalid";
    throw new AppError("unprocessable", code, `The grant is refused: ${check.message}`, {
      reason: check.reason,
    });
  }
  if (check.grant.id !== execution.id || check.grant.proposalId !== execution.proposalId) {
    throw new AppError("unprocessable", "grant_invalid", "The grant is not this proposal's grant");
  }
}

/** The refusal of a second use of a grant. */
export function alreadyUsed(grantId: string): AppError {
  return new AppError(
    "conflict",
    "grant_already_used",
    "This grant was already used: a grant allows one execution",
    { grantId },
  );
}
