import { type JSX, useCallback, useEffect, useRef, useState } from "react";
import { ApiError, api, setCsrfToken, whenSignedOut } from "../api/client.ts";
import { type ChangeEvent, useChangeEvents } from "../api/events.ts";
import type { ActionList, SessionState, SessionView } from "../api/types.ts";
import { Inbox } from "../inbox/Inbox.tsx";
import { type InboxFilters, NO_FILTERS, useInbox } from "../inbox/use-inbox.ts";
import { AuditView } from "../owner/AuditView.tsx";
import { DashboardView, OverseersOnly } from "../owner/DashboardView.tsx";
import { PolicyView } from "../owner/PolicyView.tsx";
import { SimulatorView } from "../owner/SimulatorView.tsx";
import { StopsView } from "../owner/StopsView.tsx";
import { ReviewPage } from "../review/ReviewPage.tsx";
import { Header } from "./Header.tsx";
import { usePage } from "./router.ts";
import { SignIn } from "./SignIn.tsx";
import { StopBanner } from "./StopBanner.tsx";

/** The reviewer app: sign-in, then the inbox, the review page and the owner views. */
export function App() {
  const [session, setSession] = useState<SessionView | null>(null);
  const [checked, setChecked] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();

  useEffect(() => {
    whenSignedOut(() => {
      setCsrfToken(null);
      setSession(null);
      setNotice("Your session has ended: sign in again to continue.");
    });
    // Answers `{ signedIn: false }` (not an error) when nobody is signed in.
    api<SessionState>("GET", "/v1/session")
      .then((s) => {
        if (!s.signedIn) return;
        setCsrfToken(s.csrfToken);
        setSession(s);
      })
      .catch((e: unknown) => {
        if (!(e instanceof ApiError) || e.status !== 401) setNotice((e as Error).message);
      })
      .finally(() => setChecked(true));
  }, []);

  const signedIn = useCallback((s: SessionView) => {
    setCsrfToken(s.csrfToken);
    setNotice(undefined);
    setSession(s);
  }, []);

  async function signOut() {
    try {
      await api("DELETE", "/v1/session");
    } finally {
      setCsrfToken(null);
      setSession(null);
      setNotice("You are signed out.");
    }
  }

  if (!checked) return <p className="muted">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={signedIn} {...(notice ? { notice } : {})} />;
  return <Desk session={session} onSignOut={() => void signOut()} />;
}

function Desk({ session, onSignOut }: { session: SessionView; onSignOut: () => void }) {
  const page = usePage();
  const [filters, setFilters] = useState<InboxFilters>(NO_FILTERS);
  const inbox = useInbox(filters);
  const [actions, setActions] = useState<ActionList | null>(null);
  const [live, setLive] = useState(false);
  // Every change goes to every page listening; several can arrive in one task, so no single "last" value.
  const listeners = useRef(new Set<(event: ChangeEvent) => void>());
  const subscribe = useCallback((listener: (event: ChangeEvent) => void) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const { refresh } = inbox;

  const loadActions = useCallback(() => {
    api<ActionList>("GET", "/v1/actions")
      .then(setActions)
      .catch(() => setActions(null));
  }, []);
  useEffect(loadActions, [loadActions]);

  useChangeEvents((event) => {
    if (event === null || event.type.startsWith("review.") || event.type === "proposal.created") refresh();
    if (event?.type === "policy.loaded") loadActions();
    if (event !== null) for (const listener of listeners.current) listener(event);
  }, setLive);

  const user = session.user;
  let content: JSX.Element;
  switch (page.name) {
    case "review":
      content = (
        <ReviewPage
          key={page.reviewId}
          reviewId={page.reviewId}
          proposalIdHint={page.proposalId}
          user={user}
          actions={actions}
          inboxItems={inbox.items}
          subscribe={subscribe}
          onDecided={refresh}
        />
      );
      break;
    case "audit":
      // Reviewers are told plainly instead of a page of refused reads.
      content =
        user.role === "owner" || user.role === "auditor" ? (
          <AuditView proposalId={page.proposalId} />
        ) : (
          <OverseersOnly title="Audit log" />
        );
      break;
    case "policy":
      content = <PolicyView owner={user.role === "owner"} />;
      break;
    case "stops":
      content = <StopsView actions={actions?.items ?? []} role={user.role} subscribe={subscribe} />;
      break;
    case "dashboard":
      content = <DashboardView user={user} actions={actions} />;
      break;
    case "simulator":
      content =
        user.role === "owner" || user.role === "auditor" ? (
          <SimulatorView actions={actions} owner={user.role === "owner"} />
        ) : (
          <OverseersOnly title="Policy simulator" />
        );
      break;
    default:
      content = (
        <Inbox
          user={user}
          inbox={inbox}
          filters={filters}
          actions={actions?.items ?? []}
          onFilters={setFilters}
        />
      );
  }
  return (
    <>
      <a href="#content" className="skip-link">
        Skip to content
      </a>
      <Header user={user} page={page} live={live} onSignOut={onSignOut} />
      <div id="content">
        {/* The Stops page lists the stops in force itself. */}
        {page.name === "stops" ? null : <StopBanner user={user} subscribe={subscribe} live={live} />}
        {content}
      </div>
    </>
  );
}
