import {
  type AuditDraft,
  type CompiledPolicy,
  canaryFor,
  canonicalJson,
  ProposalInput,
  proposalTransition,
} from "@loopgate/core";
import type { ProposalDoc, ProposalRow, ReviewRow, Write } from "../store/store.ts";
import { calibratorFor } from "./calibrate.ts";
import type { AppDeps } from "./deps.ts";
import { hashPayloadNative, sha256HexNative } from "./native-hash.ts";
import { SYSTEM_ACTOR } from "./principal.ts";
import { proposalView } from "./proposal-view.ts";
import { evaluate, reviewFor, reviewOpenedEntry, routedEntry } from "./propose.ts";
import { stopCovering } from "./stop-scope.ts";

/**
 * Canaries (SPEC §5): a real proposal entering a listed queue brings, at the policy's `canaries.rate`
 * and deterministically by its id, one known-bad proposal from `canaries.proposals` into review.
 *
 * A canary is an ordinary proposal and review in every row a reviewer can reach — a UUIDv7 id from the
 * same generator, the agent name the policy gives it, the trigger's own timestamp, signals and route
 * computed by the same code — so nothing in the API or the app tells it apart. What marks it is the
 * `canaries` table and `doc.canary`, which no response shows; they keep it out of execution,
 * notifications, calibration labels, metrics, replay and feedback export. Only owners and auditors
 * learn which proposals were canaries: from `GET /v1/vigilance` and the `canary.seeded` audit entry.
 */

/** The writes, audit entries and events of a seeded canary, added to the trigger's own commit. */
export interface SeededCanary {
  writes: Write[];
  audit: AuditDraft[];
  proposal: ProposalRow;
  review: ReviewRow;
}

/**
 * The canary `trigger` brings along, or null (not sampled, no canaries configured, a stop covering the
 * canary's agent or action type, or the canary would not be routed to a review — a canary nobody reviews
 * tests nobody).
 */
export async function seedCanary(
  deps: AppDeps,
  policy: CompiledPolicy,
  trigger: ProposalRow,
  triggerReview: ReviewRow,
  now: Date,
): Promise<SeededCanary | null> {
  const canary = canaryFor(policy.document.canaries, trigger.id, triggerReview.queue);
  if (canary === null) return null;
  const input = ProposalInput.parse(canary.proposal);
  const actionType = input.action.type;
  if (!policy.actionTypes.has(actionType)) return null;
  // While a stop holds the canary's agent or action type, a real proposal of theirs would be held too.
  if ((await stopCovering(deps.store, canary.agent, actionType)) !== null) return null;
  const id = deps.newId();
  const at = now.toISOString();
  const calibrator = await calibratorFor(deps, canary.agent, actionType);
  const { signals, decision, confidence } = evaluate(policy, id, canary.agent, input, [], calibrator);
  if (decision.review === null) return null;
  const routed = proposalTransition("new", { kind: "routed", verdict: decision.route.verdict });
  if (!routed.ok) return null;
  const requestHash = sha256HexNative(canonicalJson(input));
  const doc: ProposalDoc = {
    revision: 1,
    action: input.action,
    finalPayload: null,
    request: input.request ?? null,
    summary: input.summary ?? null,
    evidence: input.evidence,
    toolCalls: input.toolCalls,
    context: input.context,
    alternatives: input.alternatives,
    rollbackPlan: input.rollbackPlan ?? null,
    route: decision.route,
    signals,
    confidence,
    execution: { attempts: 0 },
    info: [],
    agentName: canary.agent,
    canary: { name: canary.name },
  };
  const row: ProposalRow = {
    id,
    agentId: canary.agent,
    actionType,
    status: routed.to,
    executionStatus: "not_started",
    idempotencyKey: null,
    requestHash,
    policyVersion: policy.version,
    infoDueAt: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
    doc,
  };
  const review = reviewFor(deps, row, decision, now);
  if (review === null) return null;
  row.doc = { ...doc, response: JSON.stringify(proposalView(row, [review], [], null)) };
  return {
    proposal: row,
    review,
    writes: [
      { kind: "insertProposal", row },
      {
        kind: "insertCanary",
        row: {
          proposalId: id,
          name: canary.name,
          expect: canary.expect,
          triggerProposalId: trigger.id,
          createdAt: at,
        },
      },
      { kind: "insertReview", row: review },
    ],
    audit: [
      {
        at,
        actor: SYSTEM_ACTOR,
        type: "canary.seeded",
        proposalId: id,
        data: {
          canary: canary.name,
          expect: canary.expect,
          triggeredBy: trigger.id,
          agent: canary.agent,
          actionType,
          payloadHash: hashPayloadNative(input.action.payload),
          requestHash,
        },
      },
      routedEntry(at, id, decision.route, routed.to, signals),
      reviewOpenedEntry(at, review),
    ],
  };
}

/** Announces a committed canary exactly as a new proposal is announced. */
export function publishCanary(deps: AppDeps, seeded: SeededCanary): void {
  deps.events.publish({
    type: "proposal.created",
    proposalId: seeded.proposal.id,
    reviewId: seeded.review.id,
    agentId: seeded.proposal.agentId,
    queue: seeded.review.queue,
    status: seeded.proposal.status,
    at: seeded.proposal.createdAt,
  });
}

/** Proposal ids remembered per process as canary or not (a proposal never changes kind). */
const KNOWN_MAX = 50_000;
const known = new WeakMap<AppDeps["store"], Map<string, boolean>>();

/**
 * Whether a proposal is a seeded canary, remembered after the first read: the event stream asks it for
 * each change an agent key would otherwise see, so that an agent whose name a canary borrows never
 * hears of it.
 */
export async function isCanaryProposal(deps: Pick<AppDeps, "store">, proposalId: string): Promise<boolean> {
  let seen = known.get(deps.store);
  if (seen === undefined) {
    seen = new Map();
    known.set(deps.store, seen);
  }
  const cached = seen.get(proposalId);
  if (cached !== undefined) return cached;
  const canary = (await deps.store.canary(proposalId)) !== null;
  if (seen.size >= KNOWN_MAX) seen.clear();
  seen.set(proposalId, canary);
  return canary;
}
