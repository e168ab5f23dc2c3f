import { describe, expect, it } from "vitest";
import { ReviewStatus } from "../../src/lifecycle/statuses.ts";
import { REVIEW_TRANSITIONS, type ReviewEvent, reviewTransition } from "../../src/lifecycle/transitions.ts";

const EVENTS: ReviewEvent[] = ["decided", "expired", "cancelled", "escalated_onward"];

describe("reviewTransition", () => {
  it.each(REVIEW_TRANSITIONS.map((r) => [`${r.from} --${r.event}--> ${r.to}`, r] as const))(
    "%s",
    (_name, row) => {
      expect(reviewTransition(row.from, row.event)).toEqual({ ok: true, to: row.to });
    },
  );

  it("covers every event from both open statuses", () => {
    for (const from of ["pending", "escalated"] as const) {
      for (const event of EVENTS) expect(reviewTransition(from, event).ok).toBe(true);
    }
    expect(reviewTransition("pending", "escalated_onward")).toEqual({ ok: true, to: "escalated" });
    expect(reviewTransition("escalated", "escalated_onward")).toEqual({ ok: true, to: "escalated" });
  });

  it.each(["decided", "expired", "cancelled"] as const)("refuses everything once %s", (from) => {
    for (const event of EVENTS) {
      expect(reviewTransition(from, event)).toEqual({
        ok: false,
        reason: `the review is ${from}, which is closed: "${event}" cannot apply`,
      });
    }
  });

  it("is frozen and covers every status", () => {
    expect(Object.isFrozen(REVIEW_TRANSITIONS)).toBe(true);
    expect(new Set(ReviewStatus.options)).toEqual(
      new Set(["pending", "escalated", "decided", "expired", "cancelled"]),
    );
    expect(() => reviewTransition("bogus" as never, "decided")).toThrow(/bogus/);
  });
});
