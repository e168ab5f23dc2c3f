import {
  type AmountCandidate,
  type BypassFinding,
  type CompiledPolicy,
  detectSplit,
  nearRepeat,
  type ProposalInput,
} from "@loopgate/core";
import type { EntityAmount } from "../store/bypass-reads.ts";
import type { Write } from "../store/store.ts";
import type { AppDeps } from "./deps.ts";
import { refusalCacheOf } from "./refusal-cache.ts";

/**
 * The newest refused proposals (of this agent and action type, in the window) each check compares with.
 * Reading them is most of the check's cost on the propose path (~6 µs a payload on SQLite, most of it
 * reading the stored document), so the window is searched from the newest end: a repeat of something
 * refused 20 refusals ago is missed.
 */
const REPEAT_CANDIDATES = 20;
/** Proposals for one entity weighed per check. */
const AMOUNT_CANDIDATES = 500;

/** What the bypass check found, and the row that lets later proposals see this one's amount. */
export interface BypassCheck {
  findings: BypassFinding[];
  /** The earlier proposals this one is linked to. */
  linkedTo: string[];
  /** Written with the proposal. */
  writes: Write[];
}

/**
 * Looks for bypass attempts (SPEC §11) before routing: a near-repeat of a proposal by the same agent and
 * action type that was rejected or blocked within the action type's window, and, for action types with
 * an amount, a refused or escalated amount for the same entity that this proposal completes by splitting.
 * Both reads are indexed ranges over the window, never a scan of history; an agent found to have nothing
 * refused is not read again for `REFUSAL_CACHE_MS` unless it has a refusal meanwhile (refusal-cache.ts).
 * The findings are fed into the pure routing as `signals.bypass` and reasons, so routing stays
 * deterministic.
 */
export async function checkBypass(
  deps: AppDeps,
  policy: CompiledPolicy,
  proposalId: string,
  agentId: string,
  input: Pick<ProposalInput, "action" | "context">,
  now: Date,
  /** A new revision of a proposal checks again, but its amount was recorded with its first revision. */
  options: { revision?: boolean } = {},
): Promise<BypassCheck> {
  const settings = policy.actionTypes.get(input.action.type);
  const bypass = settings?.bypass ?? null;
  const empty: BypassCheck = { findings: [], linkedTo: [], writes: [] };
  if (settings === undefined || bypass === null) return empty;
  const since = new Date(now.getTime() - bypass.windowMs).toISOString();
  const findings: BypassFinding[] = [];

  const refused = await refusedProposals(deps, agentId, input.action.type, since, now.getTime());
  for (const earlier of refused) {
    const similarity = nearRepeat(input.action.payload, earlier.payload, bypass.similarity, bypass.tolerance);
    if (similarity !== null) {
      findings.push({ kind: "repeat", proposalId: earlier.id, similarity });
      break; // the newest is enough to link to
    }
  }

  const writes: Write[] = [];
  const amount = settings.amountField === null ? null : numberAt(input.action.payload, settings.amountField);
  // Only an amount is split across an entity: without one, the entity is not looked up.
  const entity = amount === null ? null : entityOf(input, bypass.entity);
  if (amount !== null && entity !== null) {
    const recent = (
      await deps.store.amountsOfEntity(input.action.type, entity, since, AMOUNT_CANDIDATES)
    ).filter((r) => r.proposalId !== proposalId); // a revision is not a split of itself
    const split = detectSplit(amount, entity, recent.map(candidate), bypass.tolerance);
    if (split !== null) findings.push(split);
    if (options.revision !== true)
      writes.push({
        kind: "insertProposalAmount",
        row: { proposalId, actionType: input.action.type, entity, amount, createdAt: now.toISOString() },
      });
  }
  const linkedTo = findings.length === 0 ? [] : [...new Set(findings.map((f) => f.proposalId))];
  return { findings, linkedTo, writes };
}

/** The agent's newest refused proposals of the type, or none without a read when recently known. */
async function refusedProposals(
  deps: AppDeps,
  agentId: string,
  actionType: string,
  since: string,
  nowMs: number,
) {
  const cache = refusalCacheOf(deps);
  if (cache.knownNone(agentId, actionType, since, nowMs)) return [];
  return cache.readShared(agentId, actionType, since, nowMs, () =>
    deps.store.refusedProposals(agentId, actionType, since, REPEAT_CANDIDATES),
  );
}

const SETTLED_APPROVED = new Set(["approved", "approved_with_edits", "auto_approved"]);
const NOT_COUNTED = new Set(["rejected", "blocked", "cancelled", "expired", "handled_manually"]);

/**
 * Refused: rejected, blocked or expired, or routed to escalation and not (yet) approved. Counted towards
 * a total: everything still pending or approved.
 */
function candidate(earlier: EntityAmount): AmountCandidate {
  const refused =
    ["rejected", "blocked", "expired"].includes(earlier.status) ||
    (earlier.verdict === "escalate" && !SETTLED_APPROVED.has(earlier.status));
  return {
    proposalId: earlier.proposalId,
    amount: earlier.amount,
    createdAt: earlier.createdAt,
    refused,
    counts: !NOT_COUNTED.has(earlier.status),
  };
}

/** The entity a proposal's amount belongs to: `context.entity` or a payload path, as text. */
function entityOf(input: Pick<ProposalInput, "action" | "context">, path: string): string | null {
  const [root, ...rest] = path.split(".");
  const value = valueAt(root === "payload" ? input.action.payload : input.context, rest.join("."));
  return typeof value === "string" || typeof value === "number" ? `${path}=${value}` : null;
}

function numberAt(payload: Record<string, unknown>, path: string): number | null {
  const value = valueAt(payload, path);
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+(?:\.\d+)?$/.test(value.trim())) return Number(value.trim());
  return null;
}

function valueAt(object: Record<string, unknown>, path: string): unknown {
  let value: unknown = object;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}
