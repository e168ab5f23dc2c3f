import { createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import type { Writable } from "node:stream";
import { GENESIS_HASH, signCheckpoint } from "@loopgate/core";
import type { Command } from "commander";
import { loadOrCreateSigningKey } from "../app/signing-key.ts";
import type { Store } from "../store/store.ts";
import { describeLocation, storeLocation, withStore } from "./environment.ts";
import { endStream, note, writeWithBackpressure } from "./output.ts";

interface ExportFlags {
  dataDir?: string;
  out?: string;
  checkpointOut?: string;
}

/**
 * Entries read per store query. Large enough that a million entries take a thousand queries, small
 * enough that a page of big entries stays a few megabytes: only one page is ever held in memory.
 */
export const EXPORT_PAGE_SIZE = 1000;

/** `loopgate audit export`. */
export function registerAuditExport(audit: Command): void {
  audit
    .command("export")
    .description("write every audit entry in seq order, one JSON object per line")
    .option("--data-dir <dir>", "the server's data directory (default: $LOOPGATE_DATA_DIR or .loopgate)")
    .option("--out <file>", "write the entries to this file instead of stdout")
    .option("--checkpoint-out <file>", "also write a signed checkpoint of the exported head to this file")
    .addHelpText(
      "after",
      `
The export holds entries only, one per line, so it can be piped or diffed. The checkpoint is signed with
the server's audit signing key (LOOPGATE_AUDIT_SIGNING_KEY, or <data-dir>/audit-signing-key.json) and
states the seq and hash of the last exported entry. With LOOPGATE_DATABASE_URL set, entries are read
from that PostgreSQL database. Safe to run while the server is writing.

Examples:
  $ loopgate audit export --out audit.jsonl --checkpoint-out checkpoint.json
  $ loopgate audit export | gzip > audit.jsonl.gz
  $ loopgate audit verify audit.jsonl --checkpoint checkpoint.json`,
    )
    .action(async (flags: ExportFlags) => exportAudit(flags));
}

async function exportAudit(flags: ExportFlags): Promise<void> {
  const location = storeLocation(flags);
  const head = await withStore(location, async (store) => {
    // Opened once the store is: a missing store leaves no empty export behind.
    const out: Writable = flags.out === undefined ? process.stdout : createWriteStream(flags.out);
    try {
      return await streamEntries(store, out);
    } finally {
      await endStream(out);
    }
  });
  const where = flags.out === undefined ? "" : ` to ${flags.out}`;
  note(
    `Exported ${head.count} audit entries${where} from ${describeLocation(location)}; head seq ${head.seq}.`,
  );

  if (flags.checkpointOut !== undefined) {
    const key = await loadOrCreateSigningKey(location.dataDir);
    const checkpoint = signCheckpoint({ seq: head.seq, hash: head.hash }, new Date().toISOString(), key);
    await writeFile(flags.checkpointOut, `${JSON.stringify(checkpoint, null, 2)}\n`);
    note(
      `Wrote checkpoint of seq ${checkpoint.seq} signed by key ${checkpoint.keyId} to ${flags.checkpointOut}.`,
    );
  }
}

/**
 * Writes the chain page by page and returns the last entry written. Entries never change once
 * written, so a server appending meanwhile only means the export ends at some recent head.
 */
async function streamEntries(
  store: Store,
  out: Writable,
): Promise<{ count: number; seq: number; hash: string }> {
  let count = 0;
  let seq = 0;
  let hash = GENESIS_HASH;
  for (;;) {
    const page = await store.auditRange(seq + 1, EXPORT_PAGE_SIZE);
    if (page.length === 0) break;
    let chunk = "";
    for (const entry of page) chunk += `${JSON.stringify(entry)}\n`;
    await writeWithBackpressure(out, chunk);
    const last = page[page.length - 1]!;
    count += page.length;
    seq = last.seq;
    hash = last.hash;
    if (page.length < EXPORT_PAGE_SIZE) break;
  }
  return { count, seq, hash };
}
