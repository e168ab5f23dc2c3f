import type { Proposal } from "@loopgate/sdk";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { RequestId } from "@modelcontextprotocol/sdk/types.js";

/** What {@link noticeOfReview} needs besides the proposal. */
export interface ReviewNoticeOptions {
  /** The tool whose call waits. */
  tool: string;
  /** The reviewer app's base URL, for a link to the review (`<url>/review/<id>`, the app's own route); none when null. */
  reviewerAppUrl: string | null;
  /** How long the gateway waits for the decision; the notice is withdrawn when the wait ends. */
  waitMs: number;
  /** The `tools/call` request the notice belongs to (so an HTTP transport sends it on that stream). */
  relatedRequestId?: RequestId;
  /** Where a notice the client refused is noted. */
  log: (line: string) => void;
}

/** A notice sent; `withdraw()` once the call is decided (or the wait ended). */
export interface ReviewNotice {
  withdraw(): void;
}

const NO_NOTICE: ReviewNotice = { withdraw() {} };

/**
 * Tells the MCP client's user that a gated call is waiting for a person, through MCP elicitation, when
 * the client declared the `elicitation` capability (and does nothing when it did not).
 *
 * The notice asks for nothing and decides nothing: the decision is the reviewer's, in Loopgate, and the
 * call keeps waiting for it whatever the user answers. So it is sent without being awaited, and
 * withdrawn once the call is decided: a form-mode notice (no fields, just the message) is cancelled if
 * still showing, a URL-mode notice (a client that only takes URL elicitations: the link to the review)
 * is marked complete.
 *
 * @example
 * ```ts
 * const notice = noticeOfReview(server, proposal, { tool: "write_file", reviewerAppUrl, waitMs, log });
 * try { outcome = await awaitOutcome(loopgate, proposal, waitMs); } finally { notice.withdraw(); }
 * ```
 */
export function noticeOfReview(
  server: Server,
  proposal: Proposal,
  options: ReviewNoticeOptions,
): ReviewNotice {
  const declared = server.getClientCapabilities()?.elicitation;
  if (declared === undefined) return NO_NOTICE;
  const link = reviewLink(proposal, options.reviewerAppUrl);
  const message = noticeText(proposal, options.tool, link);
  const controller = new AbortController();
  const requestOptions = {
    signal: controller.signal,
    timeout: Math.max(1, options.waitMs),
    ...(options.relatedRequestId === undefined ? {} : { relatedRequestId: options.relatedRequestId }),
  };
  const refused = (error: unknown) => {
    if (!controller.signal.aborted)
      options.log(`loopgate: the review notice was not shown: ${String(error)}`);
  };

  if (declared.form !== undefined || declared.url === undefined) {
    server
      .elicitInput(
        { mode: "form", message, requestedSchema: { type: "object", properties: {} } },
        requestOptions,
      )
      .catch(refused);
    return { withdraw: () => controller.abort() };
  }
  if (link === null) return NO_NOTICE; // a URL-only client needs a link to open
  const elicitationId = `loopgate-review:${proposal.id}`;
  server.elicitInput({ mode: "url", message, elicitationId, url: link }, requestOptions).catch(refused);
  const complete = server.createElicitationCompletionNotifier(
    elicitationId,
    options.relatedRequestId === undefined ? undefined : { relatedRequestId: options.relatedRequestId },
  );
  return {
    withdraw: () => {
      controller.abort();
      complete().catch(refused);
    },
  };
}

/** The reviewer app's page for the proposal's open review, or null without a base URL or a review. */
export function reviewLink(proposal: Proposal, reviewerAppUrl: string | null): string | null {
  const reviewId = proposal.review?.id;
  if (reviewerAppUrl === null || reviewId === undefined) return null;
  return `${reviewerAppUrl.replace(/\/+$/, "")}/review/${encodeURIComponent(reviewId)}`;
}

function noticeText(proposal: Proposal, tool: string, link: string | null): string {
  const review = proposal.review;
  const where =
    proposal.status === "held"
      ? "is held: automation is stopped for it in Loopgate, and it waits until an owner resumes"
      : `is waiting for review in Loopgate${review === null ? "" : ` (queue ${review.queue}, due ${review.dueAt})`}`;
  return [
    `The call of ${tool} ${where}. Nothing has been sent to the tool yet; it runs once approved.`,
    `Proposal ${proposal.id}${review === null ? "" : `, review ${review.id}`}.`,
    link === null ? "" : `Review: ${link}`,
  ]
    .filter((line) => line !== "")
    .join("\n");
}
