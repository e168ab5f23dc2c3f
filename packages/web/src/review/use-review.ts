import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, api, apiOnLeave, query } from "../api/client.ts";
import type { ListPage, Proposal, ProposalHistoryItem, ReviewItem } from "../api/types.ts";

/** How long the app asks to hold a review; it renews the lease while the page stays open. */
const LEASE_SECONDS = 300;
const RENEW_MS = 120_000;

/** Claims a review, trying again when another write to it landed at the same moment. */
async function claimWithRetry(reviewId: string): Promise<ReviewItem> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api<ReviewItem>("POST", `/v1/reviews/${encodeURIComponent(reviewId)}/claim`, {
        leaseSeconds: LEASE_SECONDS,
      });
    } catch (caught) {
      if (!(caught instanceof ApiError) || caught.code !== "review_changed" || attempt >= 4) throw caught;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

export interface ReviewState {
  proposal: Proposal | null;
  /** Our claim, when we hold one. */
  claim: ReviewItem["claim"];
  /** Why the review cannot be decided here (someone else holds or decided it), when so. */
  blocked: string | null;
  /**
   * True when the caller already approved this N-of-M review: it waits for another approver, so it is
   * shown read-only and not claimed (the server refuses the claim with `already_approved`).
   */
  awaitingOthers: boolean;
  /** Set when the review was already closed (decided, cancelled, expired) on opening. */
  closedOnOpen: string | null;
  history: ProposalHistoryItem[] | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
  markDecided: () => void;
}

/**
 * Opens a review: claims it (a courtesy lease others see, renewed while the page is open and given
 * back on leaving undecided), then loads the packet and the entity's history. A review the caller
 * already approved is refused the claim by the server and shown read-only (`awaitingOthers`).
 */
export function useReview(reviewId: string, proposalIdHint: string | null, decided: boolean): ReviewState {
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const [claim, setClaim] = useState<ReviewItem["claim"]>(null);
  const [blocked, setBlocked] = useState<string | null>(null);
  const [awaitingOthers, setAwaitingOthers] = useState(false);
  const [closedOnOpen, setClosedOnOpen] = useState<string | null>(null);
  const [history, setHistory] = useState<ProposalHistoryItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  // `generation` is the reload trigger: the effect reads it only by running again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    setError(null);
    setBlocked(null);
    setAwaitingOthers(false);
    setClosedOnOpen(null);
    (async () => {
      let proposalId = proposalIdHint;
      try {
        const claimed = await claimWithRetry(reviewId);
        proposalId = claimed.proposalId;
        if (!cancelled) setClaim(claimed.claim);
      } catch (caught) {
        if (!(caught instanceof ApiError)) throw caught;
        if (caught.status === 409 || caught.status === 410 || caught.status === 403) {
          // The refusal names the proposal, so a link to a review someone else holds (or that is
          // closed) still opens its packet, read-only.
          const named = (caught.details as { proposalId?: unknown } | undefined)?.proposalId;
          if (typeof named === "string") proposalId = named;
          if (!cancelled) setBlocked(caught.message);
          if (!cancelled && caught.code === "already_approved") setAwaitingOthers(true);
          const closed =
            caught.status === 410 || caught.code === "already_decided" || caught.code === "review_cancelled";
          if (!cancelled && closed) setClosedOnOpen(caught.message);
        } else if (caught.status === 404) {
          throw new Error(
            "There is no such review: the link may be mistyped or the review removed. Go back to the inbox (g).",
          );
        } else if (caught.status !== 401) {
          throw caught;
        }
      }
      if (proposalId === null)
        throw new Error("This review could not be opened: go back to the inbox and pick it again");
      const loaded = await api<Proposal>("GET", `/v1/proposals/${encodeURIComponent(proposalId)}`);
      if (cancelled) return;
      setProposal(loaded);
      const entity = typeof loaded.context.entity === "string" ? loaded.context.entity : null;
      if (entity !== null) {
        const page = await api<ListPage<ProposalHistoryItem>>(
          "GET",
          `/v1/proposals${query({ entity, limit: 10 })}`,
        );
        if (!cancelled) setHistory(page.items);
      } else {
        setHistory(null);
      }
    })()
      .catch((caught: unknown) => {
        if (!cancelled) setError((caught as Error).message);
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [reviewId, proposalIdHint, generation]);

  // Renew the lease while the page is open; give the review back when leaving it undecided.
  const holding = claim !== null && blocked === null;
  const decidedRef = useRef(decided);
  if (decided) decidedRef.current = true;
  useEffect(() => {
    if (!holding || decided) return;
    const path = `/v1/reviews/${encodeURIComponent(reviewId)}`;
    const timer = window.setInterval(() => {
      api<ReviewItem>("POST", `${path}/claim`, { leaseSeconds: LEASE_SECONDS })
        .then((renewed) => setClaim(renewed.claim))
        .catch(() => undefined);
    }, RENEW_MS);
    // Closing the tab or reloading does not unmount the page: give the review back then too, so it is
    // not held from others for the rest of the lease. (A reload claims it again on opening.)
    const onLeave = () => {
      if (!decidedRef.current) apiOnLeave("POST", `${path}/release`);
    };
    window.addEventListener("pagehide", onLeave);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener("pagehide", onLeave);
      if (!decidedRef.current) api("POST", `${path}/release`).catch(() => undefined);
    };
  }, [holding, decided, reviewId]);

  /** Called before sending a decision: leaving the page then gives nothing back. */
  const markDecided = useCallback(() => {
    decidedRef.current = true;
  }, []);

  return {
    proposal,
    claim,
    blocked,
    awaitingOthers,
    closedOnOpen,
    history,
    error,
    loading,
    reload,
    markDecided,
  };
}
