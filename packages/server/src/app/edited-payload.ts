import { type CompiledPolicy, type DecisionInput, PII_MASK_PATTERN, validatePayload } from "@loopgate/core";
import type { ProposalRow } from "../store/store.ts";
import { AppError, invalidInput } from "./app-error.ts";
import { applyMergePatch } from "./merge-patch.ts";
import { joinPath } from "./zod-issues.ts";

/** The payload an edit asks for, validated against the schema of the policy version that routed the review. */
export function editedPayloadOf(
  policy: CompiledPolicy,
  proposal: ProposalRow,
  input: DecisionInput,
): Record<string, unknown> {
  const base = proposal.doc.finalPayload ?? proposal.doc.action.payload;
  const next = input.payload ?? applyMergePatch(base, input.patch);
  if (typeof next !== "object" || next === null || Array.isArray(next)) {
    throw invalidInput("invalid_payload", [{ path: "payload", message: "must be an object" }]);
  }
  if (input.patch !== undefined) refuseMaskedPatch(input.patch);
  else if (PII_MASK_PATTERN.test(JSON.stringify(next))) {
    throw new AppError(
      "unprocessable",
      "masked_value_in_payload",
      "The edited payload still holds a masked value: send only the fields you changed in `patch` instead of the whole payload",
    );
  }
  const issues = validatePayload(policy, proposal.actionType, next).map((issue) => ({
    path: issue.path.replace(/^action\.payload/, "payload"),
    message: issue.message,
  }));
  if (issues.length > 0) throw invalidInput("invalid_payload", issues);
  return next as Record<string, unknown>;
}

/**
 * Refuses a patch whose changed fields still hold a mask placeholder: the reviewer saw personal data
 * masked, edited around it and sent the placeholder back as if it were the value. Only the patch is
 * checked — the fields it leaves alone keep their real values — and each offending field is named.
 */
function refuseMaskedPatch(patch: Record<string, unknown>): void {
  const paths = maskedPaths(patch, "patch");
  if (paths.length === 0) return;
  const message =
    "still holds masked personal data: you see it masked, so retype the whole field without the masked parts, or escalate the review to someone who sees personal data";
  throw new AppError("unprocessable", "masked_value_in_payload", `${paths.join(", ")} ${message}`, {
    issues: paths.map((path) => ({ path, message })),
  });
}

/** The paths (`patch.customer.email`, `patch.lines[0]`) of the strings and keys holding a mask placeholder. */
function maskedPaths(value: unknown, path: string): string[] {
  if (typeof value === "string") return PII_MASK_PATTERN.test(value) ? [path] : [];
  if (value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => maskedPaths(item, joinPath(path, [i])));
  return Object.entries(value).flatMap(([key, item]) => {
    const at = joinPath(path, [key]);
    return PII_MASK_PATTERN.test(key) ? [at] : maskedPaths(item, at);
  });
}
