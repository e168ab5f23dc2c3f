import type { BlindReviewState, ReviewActivity } from "@loopgate/core";
import { useState } from "react";
import { ApiError, api } from "../api/client.ts";
import type { Verdict } from "../api/types.ts";
import { words } from "../ui/format.ts";

const JUDGEMENTS: { verdict: Verdict; label: string }[] = [
  { verdict: "approve", label: "Approve" },
  { verdict: "edit", label: "Approve with edits" },
  { verdict: "reject", label: "Reject" },
  { verdict: "escalate", label: "Escalate" },
  { verdict: "request_info", label: "Request info" },
  { verdict: "handle_manually", label: "Handle manually" },
];

/**
 * The first step of a blind review: the reviewer records what they would do before Loopgate shows
 * the agent's recommendation and confidence (the API withholds them until then).
 */
export function JudgementPanel({
  reviewId,
  blind,
  disabled,
  onJudged,
}: {
  reviewId: string;
  blind: BlindReviewState;
  disabled: boolean;
  onJudged: () => void;
}) {
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  if (!blind.judgementRequired) {
    return blind.judgement ? (
      <p className="notice" role="status">
        Your first judgement: <strong>{words(blind.judgement.verdict)}</strong>. The agent's recommendation is
        now shown.
      </p>
    ) : null;
  }

  async function record() {
    if (verdict === null || busy) return;
    setBusy(true);
    setProblem(null);
    try {
      await api<ReviewActivity>("POST", `/v1/reviews/${encodeURIComponent(reviewId)}/judgement`, {
        verdict,
        ...(comment.trim() === "" ? {} : { comment: comment.trim() }),
      });
      onJudged();
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setProblem(caught.message);
    } finally {
      setBusy(false);
    }
  }

  // Begun (a choice made, a reason typed): a phone's bar opens out to show the reason field.
  const begun = verdict !== null || comment !== "";
  return (
    <section aria-labelledby="judgement-title" className={`panel decision ${begun ? "begun" : ""}`}>
      <h2 id="judgement-title">Your first judgement</h2>
      <p className="hint">
        Blind review: the agent's recommendation and confidence are hidden until you record what you would do.
        You decide after seeing them.
      </p>
      <fieldset disabled={disabled || busy}>
        <legend className="meta">What would you do?</legend>
        {JUDGEMENTS.map((j) => (
          <label key={j.verdict} className="choice">
            <input
              type="radio"
              name="judgement"
              value={j.verdict}
              checked={verdict === j.verdict}
              onChange={() => setVerdict(j.verdict)}
            />{" "}
            {j.label}
          </label>
        ))}
        <label htmlFor="judgement-comment">Why (optional)</label>
        <textarea
          id="judgement-comment"
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          rows={2}
        />
        <button type="button" className="primary" disabled={verdict === null} onClick={() => void record()}>
          Record judgement and show the recommendation
        </button>
      </fieldset>
      {problem ? (
        <p role="alert" className="error">
          {problem}
        </p>
      ) : null}
    </section>
  );
}
