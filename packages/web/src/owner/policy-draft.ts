import type { PolicyVersionView } from "../api/types.ts";

/** An owner's unsaved policy text and the version it started from. */
export interface PolicyDraft {
  text: string;
  baseVersion: number;
}

const KEY = "loopgate.policy-draft";

/**
 * The draft kept in this tab's session storage, so a failed save, a reload or a visit to another page
 * never loses it; it is gone when the tab closes. Storage may be unavailable (private modes): then the
 * draft lives only as long as the page.
 */
export function savedDraft(): PolicyDraft | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (raw === null) return null;
    const draft = JSON.parse(raw) as Partial<PolicyDraft>;
    return typeof draft.text === "string" && typeof draft.baseVersion === "number"
      ? { text: draft.text, baseVersion: draft.baseVersion }
      : null;
  } catch {
    return null;
  }
}

/** Keeps `draft`, or forgets it when it is the text in force (nothing left unsaved). */
export function saveDraft(draft: PolicyDraft, active: PolicyVersionView): void {
  try {
    if (draft.text === active.text) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, JSON.stringify(draft));
  } catch {
    // Storage full or unavailable: the draft stays in the page.
  }
}

export function forgetDraft(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // As above.
  }
}
