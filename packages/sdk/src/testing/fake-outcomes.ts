import { ConflictError, InvalidInputError } from "../errors.ts";
import type { Outcome, RecordOutcomeInput } from "../types.ts";
import type { Entry, FakeState } from "./fake-state.ts";

/** A field the server's `OutcomeInput` schema refuses: its path under `body` and what to do. */
interface FieldIssue {
  path: string;
  message: string;
}

/**
 * Execution statuses after which the action may have had an effect in the world, as the server counts
 * them: only these may carry an incident. The fake itself reaches `executed` and `failed`.
 */
const RAN = new Set(["executed", "unknown", "rolled_back", "failed", "dead_lettered"]);

const KINDS = new Set(["fine", "incident", "note"]);
const SEVERITIES = new Set(["low", "medium", "high"]);
const FIELDS = new Set(["kind", "severity", "comment"]);
const MAX_COMMENT = 4000;

/**
 * Records an outcome as `POST /v1/proposals/:id/outcome` does, checking in the server's order: the body's
 * fields (400 `invalid_outcome`, every issue at once), then an incident on an action that never ran (409
 * `not_executed`), then a severity on anything but an incident (400). The fake records as its agent.
 */
export function recordOutcome(state: FakeState, entry: Entry, body: RecordOutcomeInput): Outcome {
  const issues = outcomeIssues(body);
  if (issues.length > 0) throw invalid(state, issues);
  const { kind, severity, comment } = body;
  const execution = entry.proposal.execution.status;
  if (kind === "incident" && !RAN.has(execution)) {
    throw state.error(
      ConflictError,
      409,
      "not_executed",
      `An incident is recorded against an action that ran; this proposal's execution is ${execution}. Record a note instead`,
      { executionStatus: execution },
    );
  }
  if (severity !== undefined && kind !== "incident") {
    throw invalid(state, [
      { path: "body.severity", message: "applies to an incident only: remove it or use kind incident" },
    ]);
  }
  const outcome: Outcome = {
    id: state.id("o"),
    proposalId: entry.proposal.id,
    kind,
    severity: severity ?? null,
    comment: comment ?? null,
    by: { kind: "agent", id: state.agent, name: state.agent },
    at: state.now(),
  };
  state.outcomes.push(outcome);
  return outcome;
}

/** The outcomes recorded for a proposal, oldest first. */
export function outcomesOf(state: FakeState, proposalId: string): Outcome[] {
  return state.outcomes.filter((o) => o.proposalId === proposalId);
}

/**
 * What the server's schema would refuse in the body. Fields set to `undefined` count as absent, as they
 * would be once sent as JSON.
 */
function outcomeIssues(body: unknown): FieldIssue[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return [{ path: "body", message: `must be an object, not ${kindOf(body)}` }];
  }
  const fields = Object.entries(body).filter(([, value]) => value !== undefined);
  const given = new Map(fields);
  const issues: FieldIssue[] = [];
  const kind = given.get("kind");
  if (typeof kind !== "string" || !KINDS.has(kind)) {
    issues.push({
      path: "body.kind",
      message: "must be fine (it went well), incident (it caused harm) or note (a remark)",
    });
  }
  const severity = given.get("severity");
  if (given.has("severity") && (typeof severity !== "string" || !SEVERITIES.has(severity))) {
    issues.push({ path: "body.severity", message: "must be low, medium or high" });
  }
  const comment = given.get("comment");
  if (given.has("comment") && typeof comment !== "string") {
    issues.push({ path: "body.comment", message: `must be a string, not ${kindOf(comment)}` });
  } else if (typeof comment === "string" && comment.length > MAX_COMMENT) {
    issues.push({ path: "body.comment", message: `must be at most ${MAX_COMMENT} characters: shorten it` });
  }
  for (const [key] of fields) {
    if (!FIELDS.has(key)) issues.push({ path: `body.${key}`, message: `unknown field "${key}": remove it` });
  }
  return issues;
}

/** A 400 in the server's envelope: one field's issue as the message, or the list of fields. */
function invalid(state: FakeState, issues: FieldIssue[]): InvalidInputError {
  const message =
    issues.length === 1
      ? `${issues[0]?.path}: ${issues[0]?.message}`
      : `${issues.length} fields are invalid: ${issues.map((i) => i.path).join(", ")}`;
  return state.error(InvalidInputError, 400, "invalid_outcome", message, { issues });
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
