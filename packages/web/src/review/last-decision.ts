import { useEffect, useState } from "react";

/** The decision just recorded, said on the page the app moves on to (the review page is gone by then). */
export interface LastDecision {
  /** The decided proposal's summary, as the reviewer saw it. */
  summary: string;
  /** What the decision did, e.g. "approved: the proposal is now approved". */
  text: string;
}

let last: LastDecision | null = null;

/** Remembers the decision just recorded, for the next page to say once. */
export function rememberDecision(decision: LastDecision): void {
  last = decision;
}

/**
 * The decision recorded just before this page opened, said once: the page that reads it takes it, so a
 * later page does not repeat it.
 */
export function useLastDecision(): LastDecision | null {
  const [decision] = useState(() => last);
  useEffect(() => {
    if (last === decision) last = null;
  }, [decision]);
  return decision;
}
