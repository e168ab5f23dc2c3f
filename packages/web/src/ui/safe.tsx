import type { ReactNode } from "react";

/**
 * Agent-supplied content is untrusted. These helpers are the only way the app shows it: always as
 * text (React escapes it), never as HTML or markdown, and links only when they are plain http(s).
 */

/** A link for an http(s) URL; anything else (javascript:, data:, …) is shown as inert text. */
export function SafeLink({ href, children }: { href: string | undefined; children?: ReactNode }) {
  const url = safeUrl(href);
  if (url === null) {
    return (
      <span className="inert-link" title="Not a web link: shown as text">
        {children ?? href}
        {href !== undefined && children !== undefined ? ` (${href})` : null}
      </span>
    );
  }
  return (
    <a href={url} target="_blank" rel="noopener noreferrer nofollow">
      {children ?? url}
    </a>
  );
}

/** The URL when it is http(s), else null. */
export function safeUrl(href: string | undefined): string | null {
  if (href === undefined) return null;
  try {
    const url = new URL(href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** Any JSON value as indented text. */
export function JsonText({ value, label }: { value: unknown; label?: string }) {
  const text = value === undefined ? "—" : JSON.stringify(value, null, 2);
  return (
    <figure className="json-figure" aria-label={label}>
      <pre className="json">{text}</pre>
    </figure>
  );
}

/** Multi-line agent text, kept as text with its line breaks. */
export function PlainText({ text, className }: { text: string | null | undefined; className?: string }) {
  if (text === null || text === undefined || text === "") return <span className="muted">—</span>;
  return <div className={`plain-text ${className ?? ""}`}>{text}</div>;
}
