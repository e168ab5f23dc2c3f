import type { Proposal } from "../api/types.ts";
import { when } from "../ui/format.ts";
import { PlainText } from "../ui/safe.tsx";

/** One request for information and what came of it. */
export interface InfoRound {
  /** The revision the question was asked about; the answer made the next one. */
  revision: number;
  /** The reviewers' `request_info` decisions on that revision; none when the policy asked (`needs_info`). */
  questions: Proposal["decisions"];
  /** The agent's answer, or null while it is still awaited. */
  answer: Proposal["info"][number] | null;
}

/**
 * The rounds of questions and answers that led to the proposal's current revision. Each answer
 * (`info`, in order) made a new revision; the questions of a round are the `request_info` decisions
 * recorded after the previous answer and up to this one. Questions after the last answer are still
 * waiting for the agent.
 *
 * @example
 * ```ts
 * infoRounds(proposal); // [{ revision: 1, questions: [rita's request_info], answer: { at, message } }]
 * ```
 */
export function infoRounds(proposal: Pick<Proposal, "decisions" | "info">): InfoRound[] {
  const asked = proposal.decisions
    .filter((d) => d.verdict === "request_info")
    .sort((a, b) => a.at.localeCompare(b.at));
  const answers = [...proposal.info].sort((a, b) => a.at.localeCompare(b.at));
  const rounds: InfoRound[] = [];
  let since = "";
  answers.forEach((answer, index) => {
    rounds.push({
      revision: index + 1,
      questions: asked.filter((q) => q.at > since && q.at <= answer.at),
      answer,
    });
    since = answer.at;
  });
  const open = asked.filter((q) => q.at > since);
  if (open.length > 0) rounds.push({ revision: answers.length + 1, questions: open, answer: null });
  return rounds;
}

/**
 * Why this packet is a later revision: each question asked (by whom, when) and the agent's answer,
 * shown first so a reviewer knows what changed before reading the rest. The answer is agent text
 * (masked by the API for people without the PII permission) and shown as text only.
 */
export function InfoSection({ proposal }: { proposal: Proposal }) {
  const rounds = infoRounds(proposal);
  if (proposal.revision <= 1 && rounds.length === 0) return null;
  const answered = rounds.filter((r) => r.answer !== null).length;
  return (
    <section aria-labelledby="info-title" className="panel info-rounds">
      <h2 id="info-title">
        Revision {proposal.revision}
        {answered > 0
          ? `: revised after ${answered === 1 ? "a request" : `${answered} requests`} for information`
          : ""}
      </h2>
      <ol className="info-list">
        {rounds.map((round) => (
          <li key={round.revision} className="info-round">
            <h3>
              {round.answer === null
                ? `Asked about revision ${round.revision}, not answered yet`
                : `Revision ${round.revision} → ${round.revision + 1}`}
            </h3>
            {round.questions.length === 0 ? (
              <div className="info-question">
                <p className="meta">Asked by the policy (routed to needs info)</p>
              </div>
            ) : (
              round.questions.map((question) => (
                <div key={question.id} className="info-question">
                  <p className="meta">
                    Question from {question.by.name} · {when(question.at)}
                  </p>
                  <PlainText text={question.comment} />
                </div>
              ))
            )}
            {round.answer === null ? null : (
              <div className="info-answer">
                <p className="meta">Agent's answer · {when(round.answer.at)}</p>
                {round.answer.message === null ? (
                  <p className="muted">
                    No message: the agent answered only with evidence, tool calls or a revised action.
                  </p>
                ) : (
                  <PlainText text={round.answer.message} />
                )}
              </div>
            )}
          </li>
        ))}
      </ol>
      {answered > 0 ? (
        <p className="hint">
          {latestAnswerEvidence(proposal) === null
            ? `The evidence below (${proposal.evidence.length} items) includes what the agent added with its answers; this answer was stored before Loopgate recorded which items came with it, so they are not marked.`
            : "Evidence the agent added with its latest answer is marked new below."}
        </p>
      ) : null}
    </section>
  );
}

/**
 * Where the evidence of the latest answer starts in the proposal's list (the items from there on came
 * with it), or null when there is no answer or it was stored before this was recorded.
 *
 * @example
 * latestAnswerEvidence({ info: [{ at, message: null, evidenceBefore: 3 }], evidence }); // 3
 */
export function latestAnswerEvidence(proposal: Pick<Proposal, "info">): number | null {
  return proposal.info.at(-1)?.evidenceBefore ?? null;
}
