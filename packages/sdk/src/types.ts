import type {
  ClaimInput,
  ClaimNextInput,
  ClaimNextResult,
  DecisionInput,
  DecisionResult,
  Grant,
  InfoInput,
  JsonObject,
  Outcome,
  OutcomeInput,
  OutcomeList,
  Proposal,
  ProposalInput,
  ReviewItem,
  ReviewListItem,
  ReviewQuery,
} from "@loopgate/core/wire";

/**
 * What a caller may send for a wire schema: its input side, before defaults are applied. Read
 * structurally from the Zod schema's type, so the SDK needs no runtime dependency on Zod.
 */
type WireInput<Schema extends { _zod: { input: unknown } }> = Schema["_zod"]["input"];

/** The body of `POST /v1/proposals` as a caller writes it: only `action` is required. */
export type ProposeInput = WireInput<typeof ProposalInput>;

/** The body of `POST /v1/proposals/:id/info`: a message, more evidence, or a revised action. */
export type ProvideInfoInput = WireInput<typeof InfoInput>;

/** The body of `POST /v1/reviews/:id/decisions`. */
export type DecideInput = WireInput<typeof DecisionInput>;

/** The body of `POST /v1/reviews/:id/claim`. */
export type ClaimOptions = WireInput<typeof ClaimInput>;

/** The body of `POST /v1/reviews/claim-next`: which queue (default: every queue the caller works), and the lease. */
export type ClaimNextOptions = WireInput<typeof ClaimNextInput>;

/** The answer of `POST /v1/reviews/claim-next`: the review claimed and its packet, or both null. */
export type ClaimNextAnswer = ClaimNextResult;

/** The filters of `GET /v1/reviews`; each optional. Without `status`, the reviews still waiting. */
export type ListReviewsQuery = Partial<ReviewQuery>;

/** The answer of every list endpoint: one page of items and the cursor of the next (`null` at the end). */
export interface ListPage<Item> {
  items: Item[];
  nextCursor: string | null;
}

/**
 * The body of `POST /v1/proposals/:id/result`: what happened when the agent carried out an approved action.
 *
 * Not (yet) a schema in `@loopgate/core`, so it is declared here; the server is the judge of its shape.
 */
export interface ResultReport {
  status: "succeeded" | "failed";
  /** What the action returned, when it succeeded; any JSON value. */
  output?: unknown;
  /** Why it failed. */
  error?: string;
  /** The grant the action ran under (`execution.grant` of the approved proposal); a success consumes it. */
  grant?: Grant;
  /** The payload actually executed; refused unless it is the approved one. */
  payload?: JsonObject;
}

/**
 * The body of `POST /v1/proposals/:id/outcome`: what happened after the action ran. `kind` is `fine` (it
 * went well), `incident` (it caused harm; only for an action that ran, with an optional `severity`) or
 * `note` (a remark); `comment` says what happened, up to 4000 characters.
 */
export type RecordOutcomeInput = WireInput<typeof OutcomeInput>;

/** Options of `propose`. */
export interface ProposeOptions {
  /**
   * The `Idempotency-Key` header: a retry with the same key returns the original proposal instead of
   * making a second one. Generated (a random UUID) when not given; pass your own to make retries safe
   * across process restarts too, e.g. derived from the ticket and the step.
   */
  idempotencyKey?: string;
  /** A W3C `traceparent` that flows through the proposal to executors and notifications. */
  traceparent?: string;
  signal?: AbortSignal;
}

/** Options of `waitForDecision`. */
export interface WaitOptions {
  /**
   * How long to wait in all, in milliseconds; `Infinity` waits until a decision.
   * @defaultValue 600000 (10 minutes)
   */
  timeoutMs?: number;
  /** Stops waiting; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** How long `waitForDecision` waits when not told: 10 minutes, as the MCP gateway's `--wait`. */
export const DEFAULT_WAIT_MS = 600_000;

export type { DecisionResult, JsonObject, Outcome, OutcomeList, Proposal, ReviewItem, ReviewListItem };
