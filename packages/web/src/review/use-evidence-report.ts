import { type RefObject, useEffect } from "react";
import { api } from "../api/client.ts";

/** How long the evidence must stay on screen before it counts as opened. */
const SHOWN_MS = 1000;

/**
 * Tells the server once per review that the reviewer had the evidence in front of them (reviewer
 * vigilance): when at least half of the evidence section (or all of a tall one's first screen) stayed on
 * screen for a second, or as soon as the reviewer clicks or focuses inside it. Evidence that stays below
 * the fold while a reviewer approves counts as not opened. `coveredBelow` is the strip at the bottom of
 * the screen that the pinned decide bar hides (a phone): evidence behind it is not on screen.
 */
export function useEvidenceReport(
  reviewId: string,
  section: RefObject<HTMLElement | null>,
  enabled: boolean,
  coveredBelow = 0,
): void {
  useEffect(() => {
    const element = section.current;
    if (!enabled || element === null) return;
    let reported = false;
    let timer: number | undefined;
    const report = () => {
      if (reported) return;
      reported = true;
      window.clearTimeout(timer);
      void api("POST", `/v1/reviews/${encodeURIComponent(reviewId)}/activity`, {
        kind: "evidence_opened",
      }).catch(() => {
        reported = false; // a failed report is tried again on the next showing
      });
    };
    const observer = new IntersectionObserver(
      (entries) => {
        const visible = entries.some(
          (entry) =>
            entry.intersectionRatio >= 0.5 ||
            entry.intersectionRect.height >= (window.innerHeight - coveredBelow) * 0.5,
        );
        window.clearTimeout(timer);
        if (visible) timer = window.setTimeout(report, SHOWN_MS);
      },
      { threshold: [0, 0.25, 0.5, 0.75, 1], rootMargin: `0px 0px ${-coveredBelow}px 0px` },
    );
    observer.observe(element);
    element.addEventListener("pointerdown", report);
    element.addEventListener("focusin", report);
    return () => {
      observer.disconnect();
      window.clearTimeout(timer);
      element.removeEventListener("pointerdown", report);
      element.removeEventListener("focusin", report);
    };
  }, [reviewId, section, enabled, coveredBelow]);
}
