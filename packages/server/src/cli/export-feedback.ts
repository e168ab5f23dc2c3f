import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { resolveSince } from "@loopgate/core";
import type { Command } from "commander";
import { exportFeedback } from "../app/feedback-export.ts";
import { usageError } from "./cli-error.ts";
import { describeLocation, storeLocation, withStore } from "./environment.ts";
import { endStream, note, writeWithBackpressure } from "./output.ts";
import { progressBar } from "./progress-bar.ts";

interface FeedbackFlags {
  dataDir?: string;
  since?: string;
  out?: string;
  unmasked?: boolean;
}

/** `loopgate export feedback`. */
export function registerExportFeedback(exportCommand: Command): void {
  exportCommand
    .command("feedback")
    .description("write every decided review as a JSON line: proposed vs final payload, diff, verdict, label")
    .option("--data-dir <dir>", "the server's data directory (default: $LOOPGATE_DATA_DIR or .loopgate)")
    .option("--since <when>", "only proposals created since: an ISO date, or a duration back from now (30d)")
    .option("--out <file>", "write the lines to this file instead of stdout")
    .option("--unmasked", "keep personal data (emails, phones, card numbers, …) instead of masking it")
    .addHelpText(
      "after",
      `
One line per decided review: proposalId, reviewId, agent, actionType, proposedPayload, finalPayload, diff
(JSON Patch-like changes), verdict, category, comment, label (1 approved unchanged … 0 refused; null for
escalate and request_info), editDistance, decidedAt, reviewerId. Personal data is masked unless
--unmasked. The file is for evals and training sets you build on purpose: nothing is fed back into an
agent automatically. Reads the store directly, so it runs beside a server.

Examples:
  $ loopgate export feedback --since 30d --out feedback.jsonl
  $ loopgate export feedback | jq 'select(.verdict == "edit") | .diff'`,
    )
    .action(async (flags: FeedbackFlags) => exportFeedbackFile(flags));
}

async function exportFeedbackFile(flags: FeedbackFlags): Promise<void> {
  let since: string | null = null;
  if (flags.since !== undefined) {
    try {
      since = resolveSince(flags.since, new Date());
    } catch (error) {
      throw usageError(`--since: ${(error as Error).message}`);
    }
  }
  const location = storeLocation(flags);
  const count = await withStore(location, async (store) => {
    // Opened once the store is: a missing store leaves no empty export behind.
    const out: Writable = flags.out === undefined ? process.stdout : createWriteStream(flags.out);
    const bar = progressBar("Reading decisions");
    try {
      return await exportFeedback(store, {
        since,
        unmasked: flags.unmasked === true,
        write: (lines) =>
          writeWithBackpressure(out, lines.map((line) => `${JSON.stringify(line)}\n`).join("")),
        onProgress: bar.update,
      });
    } finally {
      bar.end();
      await endStream(out);
    }
  });
  const where = flags.out === undefined ? "" : ` to ${flags.out}`;
  const masking = flags.unmasked === true ? "unmasked" : "personal data masked";
  note(`Exported ${count} decided reviews${where} from ${describeLocation(location)} (${masking}).`);
}
