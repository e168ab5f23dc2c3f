import { type FeedbackLine, feedbackLines } from "@loopgate/core";
import type { Store } from "../store/store.ts";
import { walkHistory } from "./history-records.ts";

/**
 * Writes the feedback of every decided review on proposals created since `since` (every one when null),
 * oldest proposal first (SPEC §5 "Feedback export"): proposed and final payloads, their diff, verdict,
 * category, comment and label. Personal data is masked unless `unmasked`. Returns the number of lines.
 * Nothing here is fed back into an agent.
 */
export async function exportFeedback(
  store: Store,
  options: {
    since: string | null;
    unmasked: boolean;
    write: (lines: FeedbackLine[]) => void | Promise<void>;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<number> {
  let count = 0;
  await walkHistory(
    store,
    options.since,
    async (record) => {
      const lines = feedbackLines(record, { unmasked: options.unmasked });
      if (lines.length === 0) return;
      count += lines.length;
      await options.write(lines);
    },
    options.onProgress,
  );
  return count;
}
