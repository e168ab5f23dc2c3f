import type { PersonView } from "../api/types.ts";
import { hrefOf, navigate, type Page } from "./router.ts";

function NavLink({ page, current, label }: { page: Page; current: Page; label: string }) {
  const active = page.name === current.name;
  return (
    <a
      href={hrefOf(page)}
      aria-current={active ? "page" : undefined}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(page);
      }}
    >
      {label}
    </a>
  );
}

/** The bar on every page: where you are, who you are, live status, sign out. */
export function Header({
  user,
  page,
  live,
  onSignOut,
}: {
  user: PersonView;
  page: Page;
  live: boolean;
  onSignOut: () => void;
}) {
  const overseer = user.role === "owner" || user.role === "auditor";
  return (
    <header className="top-bar">
      <span className="brand">Loopgate</span>
      <nav aria-label="Main">
        <NavLink page={{ name: "inbox" }} current={page} label="Inbox" />
        {overseer ? <NavLink page={{ name: "dashboard" }} current={page} label="Dashboard" /> : null}
        {overseer ? (
          <NavLink page={{ name: "audit", proposalId: null }} current={page} label="Audit" />
        ) : null}
        {overseer ? <NavLink page={{ name: "policy" }} current={page} label="Policy" /> : null}
        {overseer ? <NavLink page={{ name: "simulator" }} current={page} label="Simulator" /> : null}
        {overseer ? <NavLink page={{ name: "stops" }} current={page} label="Stops" /> : null}
      </nav>
      <span className={`live ${live ? "on" : "off"}`} role="status" aria-live="polite">
        {live ? "Live" : "Reconnecting…"}
      </span>
      <span className="who">
        {user.name} · {user.role}
        {user.pii ? "" : " · personal data masked"}
      </span>
      <button type="button" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
