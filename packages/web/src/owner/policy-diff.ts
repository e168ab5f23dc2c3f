import { structuredPatch } from "diff";

/** One line of a change: kept, removed from the version in force, or added by the draft. */
export interface ChangedLine {
  kind: "same" | "removed" | "added";
  /** Its 1-based number in the version in force (null for an added line). */
  before: number | null;
  /** Its 1-based number in the draft (null for a removed line). */
  after: number | null;
  text: string;
}

/** A run of changed lines with up to three unchanged lines of context either side. */
export interface ChangeHunk {
  lines: ChangedLine[];
}

export interface PolicyDiff {
  hunks: ChangeHunk[];
  added: number;
  removed: number;
}

/** The line-based changes from the version in force (`before`) to a draft (`after`). */
export function policyDiff(before: string, after: string): PolicyDiff {
  const patch = structuredPatch("in force", "draft", before, after, undefined, undefined, { context: 3 });
  let added = 0;
  let removed = 0;
  const hunks = patch.hunks.map((hunk) => {
    let oldLine = hunk.oldStart;
    let newLine = hunk.newStart;
    const lines: ChangedLine[] = [];
    for (const raw of hunk.lines) {
      const sign = raw[0];
      const text = raw.slice(1);
      if (sign === "+") {
        lines.push({ kind: "added", before: null, after: newLine++, text });
        added++;
      } else if (sign === "-") {
        lines.push({ kind: "removed", before: oldLine++, after: null, text });
        removed++;
      } else if (sign === " ") {
        lines.push({ kind: "same", before: oldLine++, after: newLine++, text });
      }
      // "\ No newline at end of file" markers carry no line of their own.
    }
    return { lines };
  });
  return { hunks, added, removed };
}
