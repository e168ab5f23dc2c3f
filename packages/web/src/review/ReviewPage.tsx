import { useEffect, useMemo, useRef, useState } from "react";
import { ApiError, api } from "../api/client.ts";
import type { ChangeEvent } from "../api/events.ts";
import type {
  ActionList,
  DecisionResult,
  ExecutionResult,
  PersonView,
  ReviewListItem,
} from "../api/types.ts";
import { navigate } from "../app/router.ts";
import { nextReview, rememberClosed } from "../inbox/use-inbox.ts";
import { words } from "../ui/format.ts";
import { useShortcuts } from "../ui/shortcuts.tsx";
import { ActionSection } from "./ActionSection.tsx";
import { isClosedReview } from "./closed-review.ts";
import {
  type DecisionDraft,
  DecisionPanel,
  decidedText,
  reviewedAfterExecution,
  verdictsFor,
} from "./DecisionPanel.tsx";
import { DecisionsSection } from "./DecisionsSection.tsx";
import { InfoSection, latestAnswerEvidence } from "./InfoSection.tsx";
import { JudgementPanel } from "./JudgementPanel.tsx";
import { rememberDecision, useLastDecision } from "./last-decision.ts";
import { AlternativesSection, EvidenceSection, RequestSection, ToolCallsSection } from "./PacketSections.tsx";
import { type JsonSchema, mergePatch, validatePayload, withMaskedEdits } from "./payload-schema.ts";
import { EMPTY_RECONCILE_DRAFT, type ReconcileDraft, ReconcilePanel } from "./ReconcilePanel.tsx";
import { ReconciliationSection } from "./ReconciliationSection.tsx";
import { ReviewHeader } from "./ReviewHeader.tsx";
import { HistorySection, IfApprovedSection, SignalsSection, WhyHereSection } from "./RiskSections.tsx";
import { RECONCILE_VERBS, reconciledText, reconciliationOf, unsettled } from "./reconciliation.ts";
import { SimilarCasesSection } from "./SimilarCasesSection.tsx";
import { useEvidenceReport } from "./use-evidence-report.ts";
import { usePinnedBar } from "./use-pinned-bar.ts";
import { useReview } from "./use-review.ts";

const EMPTY_DRAFT: DecisionDraft = { verdict: null, category: "", comment: "" };
const NO_PROBLEMS = new Map<string, string[]>();

/** The packet on one screen, and the decision, keyboard first. */
export function ReviewPage({
  reviewId,
  proposalIdHint,
  user,
  actions,
  inboxItems,
  subscribe,
  onDecided,
}: {
  reviewId: string;
  proposalIdHint: string | null;
  user: PersonView;
  actions: ActionList | null;
  inboxItems: ReviewListItem[];
  subscribe: (listener: (event: ChangeEvent) => void) => () => void;
  onDecided: () => void;
}) {
  const [decided, setDecided] = useState<string | null>(null);
  const previous = useLastDecision();
  const review = useReview(reviewId, proposalIdHint, decided !== null);
  const { proposal } = review;
  const [edited, setEdited] = useState<Record<string, unknown>>({});
  const [draft, setDraft] = useState<DecisionDraft>(EMPTY_DRAFT);
  const [reconcileDraft, setReconcileDraft] = useState<ReconcileDraft>(EMPTY_RECONCILE_DRAFT);
  const [focusTick, setFocusTick] = useState(0);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [closedBy, setClosedBy] = useState<string | null>(null);
  const evidenceRef = useRef<HTMLDivElement>(null);
  const sideRef = useRef<HTMLDivElement>(null);
  // An execution that ended unknown or dead-lettered: this review says what happened to it, with its
  // own three verbs instead of approve, edit and reject.
  const reconciliation = proposal === null ? null : reconciliationOf(proposal, reviewId);
  // Blind review: the decision waits for the reviewer's own first judgement (not on a reconciliation).
  // A closed review (or a proposal past review) is a record: what was proposed, what was approved, and
  // who decided; nothing to edit or decide. A reconciliation review has its own read-only view.
  const closed = proposal !== null && reconciliation === null && isClosedReview(proposal, reviewId);
  const judgementPending =
    reconciliation === null && !closed && proposal?.blindReview?.judgementRequired === true;

  const base = useMemo(() => proposal?.finalPayload ?? proposal?.action.payload ?? {}, [proposal]);
  // A new packet (another review, or a reload after a change) starts from what it proposes.
  useEffect(() => {
    setEdited(base);
    setDraft(EMPTY_DRAFT);
    setReconcileDraft(EMPTY_RECONCILE_DRAFT);
    setProblem(null);
    setClosedBy(null);
    setDecided(null);
  }, [base]);

  const action = actions?.items.find((a) => a.type === proposal?.action.type);
  const schema = (action?.payloadSchema ?? null) as JsonSchema | null;
  // Someone who sees personal data masked must not send a mask back as a value: flag it at the field.
  const problems = useMemo(() => {
    const found = validatePayload(schema, edited);
    return user.pii ? found : withMaskedEdits(found, base, edited);
  }, [schema, edited, base, user.pii]);
  const isEdited = JSON.stringify(edited) !== JSON.stringify(base);
  const editProblems = [...problems.values()].reduce((n, list) => n + list.length, 0);

  function goNext() {
    const next = nextReview(inboxItems, reviewId, user.id);
    if (next) navigate({ name: "review", reviewId: next.id, proposalId: next.proposalId });
    else navigate({ name: "inbox" });
  }

  // Someone else decided while this page was open: say so plainly, then move on.
  const mine = useRef({ deciding: false, goNext });
  mine.current.goNext = goNext;
  useEffect(() => {
    let timer: number | undefined;
    const unsubscribe = subscribe((event) => {
      if (event.reviewId !== reviewId || event.type !== "review.closed" || mine.current.deciding) return;
      setClosedBy(
        `This review was closed by someone else (${words(event.status ?? "decided")}). Moving to the next item…`,
      );
      rememberClosed(reviewId);
      timer = window.setTimeout(() => mine.current.goNext(), 2500);
    });
    return () => {
      unsubscribe();
      window.clearTimeout(timer);
    };
  }, [subscribe, reviewId]);

  // Opened a review that was already decided, cancelled or expired: say so and stay, since the page
  // now shows its record (an auditor follows such links on purpose); "n" moves on.
  const closedOnOpen = review.closedOnOpen;
  useEffect(() => {
    if (closedOnOpen === null) return;
    setClosedBy(`${closedOnOpen}. Shown read only: press n for the next item.`);
    rememberClosed(reviewId);
  }, [closedOnOpen, reviewId]);

  const effective = draft.verdict === "approve" && isEdited ? "edit" : draft.verdict;
  // Only the verdicts the server accepts here: after execution, approve and reject.
  const offered = verdictsFor(proposal);

  async function submit() {
    if (judgementPending || reconciliation !== null || closed) return;
    if (!proposal || effective === null || busy || decided !== null || closedBy !== null) return;
    if (effective === "reject" && draft.category === "") return;
    if ((effective === "request_info" || effective === "escalate") && draft.comment.trim() === "") return;
    if (effective === "edit" && editProblems > 0) return;
    if (!offered.some((v) => v.verdict === draft.verdict)) return;
    if (reviewedAfterExecution(proposal) && isEdited) return;
    const body: Record<string, unknown> = { verdict: effective, packetHash: proposal.packetHash };
    if (draft.category !== "") body.category = draft.category;
    if (draft.comment.trim() !== "") body.comment = draft.comment.trim();
    if (effective === "edit") {
      // Someone who sees masked data sends only what they changed, never the masks back.
      if (user.pii) body.payload = edited;
      else body.patch = mergePatch(base, edited);
    }
    await send<DecisionResult>(body, (result) => decidedText(effective, result, proposal));
  }

  /** Says what happened to an execution that ended unknown or dead-lettered (`ReconcileInput`). */
  async function submitReconcile() {
    const { verdict, comment } = reconcileDraft;
    if (!proposal || reconciliation === null || !unsettled(reconciliation) || verdict === null) return;
    if (busy || decided !== null || closedBy !== null) return;
    const body: Record<string, unknown> = { verdict };
    if (comment.trim() !== "") body.comment = comment.trim();
    await send<ExecutionResult>(body, (result) => reconciledText(verdict, result, proposal.action.type));
  }

  /**
   * Posts a decision, says what it did (here, and on the page the app moves on to), and turns the
   * server's refusals into words: a review closed meanwhile (409, 410) moves on, a stale packet reloads.
   */
  async function send<T>(body: Record<string, unknown>, describe: (result: T) => string) {
    if (!proposal) return;
    setBusy(true);
    mine.current.deciding = true;
    review.markDecided();
    setProblem(null);
    try {
      const result = await api<T>("POST", `/v1/reviews/${encodeURIComponent(reviewId)}/decisions`, body);
      const text = describe(result);
      setDecided(text);
      rememberDecision({ summary: proposal.summary ?? proposal.action.type, text });
      rememberClosed(reviewId);
      onDecided();
      mine.current.goNext();
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      if (caught.code === "stale_packet") {
        mine.current.deciding = false;
        setProblem(`${caught.message}. The packet has been reloaded.`);
        review.reload();
      } else if (caught.status === 409 || caught.status === 410) {
        setClosedBy(`${caught.message}. Moving to the next item…`);
        rememberClosed(reviewId);
        onDecided();
        window.setTimeout(() => mine.current.goNext(), 2500);
      } else {
        mine.current.deciding = false;
        setProblem(caught.message);
      }
    } finally {
      setBusy(false);
    }
  }

  const pick = (verdict: DecisionDraft["verdict"]) => () => {
    if (review.awaitingOthers || closed) return; // approved already, or closed: nothing left to decide
    setDraft((d) => ({ ...d, verdict }));
    setFocusTick((t) => t + 1);
  };
  const pickReconcile = (verdict: ReconcileDraft["verdict"]) => () => {
    setReconcileDraft((d) => ({ ...d, verdict }));
    setFocusTick((t) => t + 1);
  };
  useShortcuts({
    ...(closed
      ? {}
      : reconciliation === null
        ? {
            ...Object.fromEntries(offered.map((v) => [v.key, pick(v.verdict)])),
            // The draft (a text area) first: it is what a reviewer edits most; else the first field.
            e: () =>
              (
                document.querySelector<HTMLElement>(".payload-form textarea") ??
                document.querySelector<HTMLElement>(".payload-form input, .payload-form select")
              )?.focus(),
          }
        : Object.fromEntries(RECONCILE_VERBS.map((v) => [v.key, pickReconcile(v.verdict)]))),
    c: () => document.getElementById("decision-comment")?.focus(),
    n: goNext,
    g: () => navigate({ name: "inbox" }),
    "mod+Enter": () => void (reconciliation === null ? submit() : submitReconcile()),
  });

  const evidenceShown = proposal !== null && proposal.evidence.length > 0 && review.blocked === null;
  // On a phone the decision is a bar pinned to the bottom of the screen: what it covers is not shown,
  // and a field that takes the focus (Tab, the `e` key) scrolls clear of it.
  const coveredBelow = usePinnedBar(sideRef, proposal !== null && review.error === null);
  useEvidenceReport(reviewId, evidenceRef, evidenceShown && decided === null, coveredBelow);
  useEffect(() => {
    if (coveredBelow === 0) return;
    const root = document.documentElement;
    root.style.scrollPaddingBottom = `${coveredBelow}px`;
    return () => {
      root.style.scrollPaddingBottom = "";
    };
  }, [coveredBelow]);

  if (review.error) {
    return (
      <main className="review">
        <p role="alert" className="error">
          {review.error}
        </p>
        <button type="button" onClick={() => navigate({ name: "inbox" })}>
          Back to the inbox
        </button>
      </main>
    );
  }
  if (!proposal)
    return (
      <main className="review">
        <p className="muted">Loading the packet…</p>
      </main>
    );

  const entity = typeof proposal.context.entity === "string" ? proposal.context.entity : null;
  const locked = review.blocked !== null || closedBy !== null || decided !== null;
  return (
    <main className="review" aria-labelledby="review-title">
      <ReviewHeader
        proposal={proposal}
        reconciliation={reconciliation}
        claim={review.claim}
        blocked={review.blocked}
        verbs={reconciliation === null ? offered : RECONCILE_VERBS}
        closed={closed}
      />
      {closedBy ? (
        <p role="alert" className="notice conflict">
          {closedBy}
        </p>
      ) : null}
      {decided ? (
        <p role="status" className="notice">
          Decided: {decided}
        </p>
      ) : previous ? (
        <p role="status" className="notice previous-decision">
          Recorded for “{previous.summary}”: {previous.text}
        </p>
      ) : null}
      {problem ? (
        <p role="alert" className="error">
          {problem}
        </p>
      ) : null}
      <div className="packet">
        <div className="packet-main">
          {reconciliation !== null ? (
            <ReconciliationSection execution={reconciliation} actionType={proposal.action.type} />
          ) : null}
          <InfoSection proposal={proposal} />
          <RequestSection request={proposal.request} />
          <ActionSection
            description={action?.description}
            piiMasked={!user.pii}
            schema={schema}
            base={closed ? proposal.action.payload : base}
            edited={closed ? proposal.action.payload : edited}
            problems={closed ? NO_PROBLEMS : problems}
            onEdit={setEdited}
            editable={!locked && !closed && !reviewedAfterExecution(proposal)}
            reconciliation={reconciliation}
            closed={closed ? { approved: proposal.finalPayload } : null}
          />
          <div ref={evidenceRef}>
            <EvidenceSection
              evidence={proposal.evidence}
              newFrom={latestAnswerEvidence(proposal)}
              approving={reconciliation === null && !closed}
            />
          </div>
          <ToolCallsSection toolCalls={proposal.toolCalls} />
        </div>
        <div className="packet-side" ref={sideRef}>
          {reconciliation !== null ? (
            <ReconcilePanel
              draft={reconcileDraft}
              busy={busy}
              // Settled already (on another open review of the proposal): nothing is left to say here.
              disabled={locked || !unsettled(reconciliation)}
              onDraft={setReconcileDraft}
              onSubmit={() => void submitReconcile()}
              focusTick={focusTick}
            />
          ) : null}
          {proposal.blindReview && proposal.review && reconciliation === null && !closed ? (
            <JudgementPanel
              reviewId={reviewId}
              blind={proposal.blindReview}
              disabled={locked}
              onJudged={review.reload}
            />
          ) : null}
          {closed ? (
            <DecisionsSection decisions={proposal.decisions} />
          ) : judgementPending || reconciliation !== null ? null : review.awaitingOthers ? (
            <p role="status" className="notice">
              You approved this; it waits for another approver
            </p>
          ) : (
            <DecisionPanel
              draft={draft}
              proposal={proposal}
              categories={actions?.categories ?? []}
              edited={isEdited}
              editProblems={editProblems}
              busy={busy}
              disabled={locked}
              onDraft={setDraft}
              onSubmit={() => void submit()}
              focusTick={focusTick}
            />
          )}
          <WhyHereSection proposal={proposal} />
          <SignalsSection proposal={proposal} />
          {reconciliation === null ? <IfApprovedSection proposal={proposal} action={action} /> : null}
          <AlternativesSection alternatives={proposal.alternatives} />
          <HistorySection
            entity={entity}
            items={review.history}
            currentId={proposal.id}
            canAudit={user.role === "owner" || user.role === "auditor"}
          />
          <SimilarCasesSection
            proposalId={proposal.id}
            canAudit={user.role === "owner" || user.role === "auditor"}
          />
        </div>
      </div>
    </main>
  );
}
