import { useEffect, useState } from "react";

/** The app's pages, read from the address bar. */
export type Page =
  | { name: "inbox" }
  | { name: "review"; reviewId: string; proposalId: string | null }
  | { name: "audit"; proposalId: string | null }
  | { name: "policy" }
  | { name: "stops" }
  | { name: "dashboard" }
  | { name: "simulator" };

export function parseLocation(location: Location): Page {
  const path = location.pathname;
  const params = new URLSearchParams(location.search);
  // `/reviews/<id>` too: the links of notifications sent before they said `/review/<id>`.
  const review = /^\/reviews?\/([^/]+)$/.exec(path);
  if (review?.[1])
    return { name: "review", reviewId: decodeURIComponent(review[1]), proposalId: params.get("proposal") };
  if (path === "/audit") return { name: "audit", proposalId: params.get("proposal") };
  if (path === "/policy") return { name: "policy" };
  if (path === "/stops") return { name: "stops" };
  if (path === "/dashboard") return { name: "dashboard" };
  if (path === "/simulator") return { name: "simulator" };
  return { name: "inbox" };
}

export function hrefOf(page: Page): string {
  switch (page.name) {
    case "inbox":
      return "/";
    case "review":
      return `/review/${encodeURIComponent(page.reviewId)}${page.proposalId ? `?proposal=${encodeURIComponent(page.proposalId)}` : ""}`;
    case "audit":
      return page.proposalId ? `/audit?proposal=${encodeURIComponent(page.proposalId)}` : "/audit";
    case "policy":
      return "/policy";
    case "stops":
      return "/stops";
    case "dashboard":
      return "/dashboard";
    case "simulator":
      return "/simulator";
  }
}

/**
 * Goes to a page without reloading. Another page (or another review) opens at its top, as a link
 * followed would, not scrolled as far as the page left; the same page with other parameters (the audit
 * view's proposal) stays where it is. Back and forward restore the scroll as the browser keeps it.
 */
export function navigate(page: Page): void {
  const href = hrefOf(page);
  const elsewhere = new URL(href, window.location.href).pathname !== window.location.pathname;
  window.history.pushState(null, "", href);
  if (elsewhere) window.scrollTo(0, 0);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

/** The current page, following back/forward and {@link navigate}. */
export function usePage(): Page {
  const [page, setPage] = useState(() => parseLocation(window.location));
  useEffect(() => {
    const update = () => setPage(parseLocation(window.location));
    window.addEventListener("popstate", update);
    return () => window.removeEventListener("popstate", update);
  }, []);
  return page;
}
