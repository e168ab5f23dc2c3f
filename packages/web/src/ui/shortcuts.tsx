import { useEffect, useRef } from "react";

/** Whether a key press is someone typing into a field (shortcuts then stay out of the way). */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
}

/**
 * Single-key shortcuts for the page, active while focus is not in a field (Escape leaves a field).
 * `Enter` fires only when focus is on the page itself or on a select (which has no Enter of its own),
 * so buttons, links and text fields keep theirs.
 * `mod+Enter` (Ctrl or ⌘ with Enter) fires from anywhere, fields included.
 */
export function useShortcuts(keys: Record<string, () => void>): void {
  const current = useRef(keys);
  current.current = keys;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey) return;
      const map = current.current;
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        const handler = map["mod+Enter"];
        if (handler) {
          event.preventDefault();
          handler();
        }
        return;
      }
      if (event.key === "Escape" && typing(event.target)) {
        (event.target as HTMLElement).blur();
        return;
      }
      // Enter does nothing of its own on a closed <select>, so there it confirms as on the page: a
      // reviewer who picked a reason category with the arrow keys confirms without leaving it.
      const enterOnSelect = event.key === "Enter" && event.target instanceof HTMLSelectElement;
      if (event.ctrlKey || event.metaKey || (typing(event.target) && !enterOnSelect)) return;
      if (event.key === "Enter") {
        const target = event.target as HTMLElement | null;
        if (target && target !== document.body && target.closest("a,button,summary")) return;
      }
      const handler = map[event.key];
      if (handler) {
        event.preventDefault();
        handler();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}

/** A key as shown on screen, e.g. <kbd>a</kbd>. */
export function Shortcut({ keys }: { keys: string }) {
  return <kbd>{keys}</kbd>;
}
