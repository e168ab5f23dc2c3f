import { useCallback, useEffect, useRef, useState } from "react";
import { api, query } from "../api/client.ts";
import type { ListPage, QueueSummary, ReviewItem, ReviewListItem } from "../api/types.ts";

/** What the inbox is narrowed to. Empty strings mean "any". */
export interface InboxFilters {
  queue: string;
  actionType: string;
  status: "" | "pending" | "escalated";
  agent: string;
}

export const NO_FILTERS: InboxFilters = { queue: "", actionType: "", status: "", agent: "" };

/** Items loaded at once: a reviewer works the top of the queue; counts come from the summary. */
export const PAGE = 200;

export interface Inbox {
  items: ReviewListItem[];
  queues: QueueSummary[];
  loading: boolean;
  error: string | null;
  refresh: () => void;
  /** Whether more open reviews wait beyond those listed (a page of {@link PAGE} at a time). */
  more: boolean;
  /** Lists the next page too (kept on refresh). */
  loadMore: () => void;
}

/** Highest priority first, then the earliest due. */
export function byPriority(a: ReviewItem, b: ReviewItem): number {
  return b.priority - a.priority || a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id);
}

/** Whether someone other than `userId` holds a live claim on the review. */
export function claimedByOther(item: ReviewItem, userId: string, now = Date.now()): boolean {
  return item.claim !== null && item.claim.by.id !== userId && Date.parse(item.claim.expiresAt) > now;
}

/** Whether the caller holds a live claim on the review (an expired one is nobody's). */
export function claimedByMe(item: ReviewItem, userId: string, now = Date.now()): boolean {
  return item.claim !== null && item.claim.by.id === userId && Date.parse(item.claim.expiresAt) > now;
}

/**
 * Approvals still missing on a review the caller already approved (an N-of-M review waiting for
 * someone else), or null when the caller has not approved it. Told by the server
 * (`approvedByCaller`), so it holds after a reload too.
 */
export function waitingForOthers(item: ReviewListItem): number | null {
  return item.approvedByCaller ? Math.max(1, item.approvalsRequired - item.approvalsGiven) : null;
}

/**
 * Reviews this tab decided or found closed: the inbox list may not have caught up yet (its reload
 * follows the change event), and "next" must never lead back to them. Reviews the caller approved
 * that wait for another approver are told apart by the list itself ({@link waitingForOthers}).
 */
const closedHere = new Set<string>();
export function rememberClosed(reviewId: string): void {
  closedHere.add(reviewId);
}

/**
 * The next review to work after `currentId`: the first in order that nobody else holds and that the
 * caller has not already approved.
 */
export function nextReview(
  items: ReviewListItem[],
  currentId: string | null,
  userId: string,
): ReviewListItem | null {
  const open = items.filter(
    (item) =>
      item.id !== currentId &&
      !closedHere.has(item.id) &&
      !item.approvedByCaller &&
      !claimedByOther(item, userId),
  );
  const mine = open.find((item) => item.claim?.by.id === userId);
  return mine ?? open[0] ?? null;
}

/** The reviewer's open reviews and queue counts, refreshed whenever `refresh` is called. */
export function useInbox(filters: InboxFilters): Inbox {
  const [items, setItems] = useState<ReviewListItem[]>([]);
  const [queues, setQueues] = useState<QueueSummary[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  // Pages shown for these filters: other filters start again from the first page.
  const [paging, setPaging] = useState({ filters, pages: 1 });
  const pages = paging.filters === filters ? paging.pages : 1;
  const [more, setMore] = useState(false);
  const generation = useRef(0);
  const timer = useRef<number | null>(null);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const [listed, summary] = await Promise.all([
        listPages(filters, pages),
        api<ListPage<QueueSummary>>("GET", "/v1/reviews/summary"),
      ]);
      if (mine !== generation.current) return; // a newer load is on its way
      setItems(listed.items.sort(byPriority));
      setMore(listed.more);
      setQueues(summary.items);
      setError(null);
    } catch (caught) {
      if (mine === generation.current) setError((caught as Error).message);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [filters, pages]);

  useEffect(() => {
    setLoading(true);
    void load();
  }, [load]);

  // The load of the latest render: a reload that was due before the reviewer asked for more pages (the
  // change stream's first connection, a burst of changes) must list those pages too, not the ones
  // shown when it was scheduled.
  const latestLoad = useRef(load);
  latestLoad.current = load;

  const loadMore = useCallback(() => setPaging({ filters, pages: pages + 1 }), [filters, pages]);

  // Bursts of changes (an agent submitting many proposals) cost one reload, not one each.
  const refresh = useCallback(() => {
    if (timer.current !== null) return;
    timer.current = window.setTimeout(() => {
      timer.current = null;
      void latestLoad.current();
    }, 150);
  }, []);

  useEffect(
    () => () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
    },
    [],
  );

  return { items, queues, loading, error, refresh, more, loadMore };
}

/** The first `pages` pages of the open reviews (the API's order: earliest due first), following the cursor. */
async function listPages(
  filters: InboxFilters,
  pages: number,
): Promise<{ items: ReviewListItem[]; more: boolean }> {
  const items: ReviewListItem[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < pages; i++) {
    const page: ListPage<ReviewListItem> = await api(
      "GET",
      `/v1/reviews${query({ ...filters, limit: PAGE, cursor })}`,
    );
    items.push(...page.items);
    if (page.nextCursor === null) return { items, more: false };
    cursor = page.nextCursor;
  }
  return { items, more: true };
}
