import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { AuditCheckpoint, type ChainVerification, GENESIS_HASH, verifyAuditChain } from "@loopgate/core";
import { type Command, InvalidArgumentError } from "commander";
import { CliError, EXIT } from "./cli-error.ts";
import { say, sayJson } from "./output.ts";
import { readInputFile } from "./policy-file.ts";
import { readLinesSync } from "./read-lines.ts";

interface VerifyFlags {
  checkpoint?: string;
  trustedKey?: Record<string, string>;
  json?: boolean;
}

/** `loopgate audit verify`. */
export function registerAuditVerify(audit: Command): void {
  audit
    .command("verify")
    .description("check an audit export offline: every hash, every link, and optionally a signed checkpoint")
    .argument("<file>", "an export written by `loopgate audit export` (one JSON entry per line)")
    .option("--checkpoint <file>", "a signed checkpoint the export must reach and agree with")
    .option(
      "--trusted-key <keyId=publicKey>",
      "accept the checkpoint only if signed by this key (base64 public key); repeatable",
      collectTrustedKey,
    )
    .option("--json", "print the verification result as one JSON line")
    .addHelpText(
      "after",
      `
Without a checkpoint only the chain's internal consistency is checked: a rewritten tail with fresh hashes
would still pass, and the output says so. With one, the export must reach the checkpointed entry with the
signed hash. The file is read line by line, so exports of any size verify in constant memory.
Exit status: 0 when intact, 1 at the first bad entry (named by seq and line), 2 when a file cannot be read.

Examples:
  $ loopgate audit verify audit.jsonl
  $ loopgate audit verify audit.jsonl --checkpoint checkpoint.json
  $ loopgate audit verify audit.jsonl --checkpoint checkpoint.json --trusted-key 3f2a9c0d1e4b5a67=MCow...`,
    )
    .action(async (file: string, flags: VerifyFlags) => verifyExport(file, flags));
}

async function verifyExport(file: string, flags: VerifyFlags): Promise<void> {
  assertReadableFile(file);
  const checkpoint = flags.checkpoint === undefined ? undefined : await readCheckpoint(flags.checkpoint);
  if (typeof checkpoint === "string") {
    report({ ok: false, seq: null, line: 0, reason: checkpoint }, null, checkpoint, flags, file);
    return;
  }
  const source = readLinesSync(file);
  let lines = 0;
  // An iterator without `return`: the verifier stopping early does not close it, so afterwards one more
  // look tells whether the bad line was the file's last (see `cutShort`). Closed in `finally`.
  const counted: Iterable<string> = {
    [Symbol.iterator]: () => ({
      next: () => {
        const next = source.next();
        if (next.done !== true) lines += 1;
        return next;
      },
    }),
  };
  try {
    const result = verifyAuditChain(counted, {
      ...(checkpoint === undefined ? {} : { checkpoint }),
      ...(flags.trustedKey === undefined ? {} : { trustedKeys: flags.trustedKey }),
    });
    const lastLine = result.ok || result.line > lines || source.next().done === true;
    const shortfall = result.ok
      ? null
      : describeShortfall(result, checkpoint, lines, lastLine && cutShort(file));
    report(result, shortfall, checkpoint, flags, file);
  } finally {
    source.return();
  }
}

/**
 * What went wrong when the file ends too soon, in plain words: the export ends before the checkpointed
 * entry, or its last line is cut off in the middle of an entry. Null for any other failure.
 */
interface Shortfall {
  /** What to print after `FAILED`, and the JSON `reason`. */
  reason: string;
  /** For scripts: the last entry in the file (0: none), and whether the file was certainly cut short. */
  exportEndsAt: number | null;
  truncated: boolean;
}

function describeShortfall(
  result: Extract<ChainVerification, { ok: false }>,
  checkpoint: AuditCheckpoint | undefined,
  lines: number,
  cut: boolean,
): Shortfall | null {
  if (result.line > lines && checkpoint !== undefined) {
    const last = (result.seq ?? 1) - 1;
    // Every line `loopgate audit export` writes ends with a newline: a last line without one was cut.
    if (cut)
      return { reason: truncation(result.seq, checkpoint.seq, lines), exportEndsAt: last, truncated: true };
    return { reason: olderThanCheckpoint(last, checkpoint.seq, lines), exportEndsAt: last, truncated: false };
  }
  if (cut && result.line === lines && result.seq === null) {
    return {
      reason: `the file ends in the middle of an entry at line ${lines} (the export was truncated): export it again`,
      exportEndsAt: null,
      truncated: true,
    };
  }
  return null;
}

function report(
  result: ChainVerification,
  shortfall: Shortfall | null,
  checkpoint: AuditCheckpoint | undefined | string,
  flags: VerifyFlags,
  file: string,
): void {
  if (!result.ok) process.exitCode = EXIT.failed;
  const keyId = typeof checkpoint === "object" ? checkpoint.keyId : undefined;
  if (flags.json) {
    sayJson({
      file,
      ...result,
      ...(shortfall === null ? {} : shortfall),
      ...(keyId === undefined ? {} : { keyId }),
    });
    return;
  }
  if (shortfall !== null) {
    say(`FAILED: ${shortfall.reason}`);
    return;
  }
  for (const line of describe(result, keyId)) say(line);
}

function describe(result: ChainVerification, keyId: string | undefined): string[] {
  if (!result.ok) {
    if (result.line === 0) return [`FAILED: checkpoint: ${result.reason}`];
    const where =
      result.seq === null ? `(line ${result.line})` : `at entry seq ${result.seq} (line ${result.line})`;
    // The verifier's reason may open with the place again ("entry 3: …"); it is already in `where`.
    return [`FAILED ${where}: ${result.reason.replace(/^(entry \d+(, line \d+)?|line \d+): /, "")}`];
  }
  const head = result.head ?? { seq: 0, hash: GENESIS_HASH };
  const entries = `${result.count} ${result.count === 1 ? "entry" : "entries"}`;
  return [
    `OK: ${entries}, chain intact, head seq ${head.seq} hash ${head.hash}`,
    result.checkpoint === "verified"
      ? `checkpoint verified (key ${keyId})`
      : "no checkpoint given: internal consistency only",
  ];
}

/**
 * The file ended before the checkpointed entry, and its last line has no newline, so it was cut. The
 * verifier names the first missing entry and the line it would be on, past the end of the file; say
 * what is there and what is missing instead.
 */
function truncation(firstMissing: number | null, checkpointSeq: number, lines: number): string {
  const from = firstMissing ?? 1;
  const missing =
    from === checkpointSeq ? `entry ${from} is missing` : `entries ${from}–${checkpointSeq} are missing`;
  const ends =
    lines === 0 ? "the file has no entries" : `the file ends after entry ${from - 1} (line ${lines})`;
  return `${ends}, but the checkpoint covers up to entry ${checkpointSeq}: ${missing} at the end (the export was truncated)`;
}

/**
 * The export is whole but ends before the checkpointed entry: most likely it was made before the
 * checkpoint (an export that lost whole lines at its end looks the same, so both are named).
 */
function olderThanCheckpoint(last: number, checkpointSeq: number, lines: number): string {
  const ends = lines === 0 ? "the export has no entries" : `the export ends at entry ${last} (line ${lines})`;
  const absent =
    last + 1 === checkpointSeq ? `entry ${checkpointSeq} is` : `entries ${last + 1}–${checkpointSeq} are`;
  const older = last === 0 ? "one made when the log was empty" : `one at entry ${last} or before`;
  return (
    `${ends}, but the checkpoint covers up to entry ${checkpointSeq}: ${absent} not in it. ` +
    "The export is older than the checkpoint (or lost its last lines). " +
    `Export again after the checkpoint was made, or verify this export with an older checkpoint (${older}, ` +
    "such as the one `loopgate audit export --checkpoint-out` wrote with it)."
  );
}

/** Whether the file's last byte is not a newline: `loopgate audit export` ends every line with one. */
function cutShort(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}

/** The checkpoint in a file, or why it is not one: a failed check (exit 1), not a crash. */
async function readCheckpoint(file: string): Promise<AuditCheckpoint | string> {
  const text = await readInputFile(file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `${file} is not valid JSON`;
  }
  const parsed = AuditCheckpoint.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `${file} is not a checkpoint (${issue?.path.join(".") || "checkpoint"}: ${issue?.message ?? "invalid"})`;
}

function assertReadableFile(file: string): void {
  try {
    if (!statSync(file).isFile()) throw new CliError(`cannot read ${file}: not a file`, EXIT.usage);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `cannot read ${file}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`,
      EXIT.usage,
    );
  }
}

function collectTrustedKey(
  value: string,
  previous: Record<string, string> | undefined,
): Record<string, string> {
  const at = value.indexOf("=");
  if (at <= 0 || at === value.length - 1) {
    throw new InvalidArgumentError("write it as <keyId>=<base64 public key>, as printed in the checkpoint");
  }
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}
