import { statSync } from "node:fs";
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
    report(file, { ok: false, seq: null, line: 0, reason: checkpoint }, undefined, 0, flags);
    return;
  }
  let lines = 0;
  const counted = (function* () {
    for (const line of readLinesSync(file)) {
      lines += 1;
      yield line;
    }
  })();
  const result = verifyAuditChain(counted, {
    ...(checkpoint === undefined ? {} : { checkpoint }),
    ...(flags.trustedKey === undefined ? {} : { trustedKeys: flags.trustedKey }),
  });
  report(file, result, checkpoint, lines, flags);
}

function report(
  file: string,
  result: ChainVerification,
  checkpoint: AuditCheckpoint | undefined,
  lines: number,
  flags: VerifyFlags,
): void {
  if (!result.ok) process.exitCode = EXIT.failed;
  if (flags.json) {
    sayJson({ file, ...result, ...(checkpoint === undefined ? {} : { keyId: checkpoint.keyId }) });
    return;
  }
  for (const line of describe(result, checkpoint, lines)) say(line);
}

function describe(
  result: ChainVerification,
  checkpoint: AuditCheckpoint | undefined,
  lines: number,
): string[] {
  if (!result.ok) {
    if (result.line === 0) return [`FAILED: checkpoint: ${result.reason}`];
    if (result.line > lines && checkpoint !== undefined)
      return [truncation(result.seq, checkpoint.seq, lines)];
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
      ? `checkpoint verified (key ${checkpoint?.keyId})`
      : "no checkpoint given: internal consistency only",
  ];
}

/**
 * The file ended before the checkpointed entry. The verifier names the first missing entry and the line
 * it would be on, past the end of the file; say what is there and what is missing instead.
 */
function truncation(firstMissing: number | null, checkpointSeq: number, lines: number): string {
  const from = firstMissing ?? 1;
  const missing =
    from === checkpointSeq ? `entry ${from} is missing` : `entries ${from}–${checkpointSeq} are missing`;
  const ends =
    lines === 0 ? "the file has no entries" : `the file ends after entry ${from - 1} (line ${lines})`;
  return `FAILED: ${ends}, but the checkpoint covers up to entry ${checkpointSeq}: ${missing} at the end (the export was truncated)`;
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
