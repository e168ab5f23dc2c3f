import { closeSync, openSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";

/** Bytes read per system call: big enough to be fast, small enough that memory stays flat. */
const CHUNK_BYTES = 1 << 20;

/**
 * The lines of a file, read a chunk at a time so a file of any size needs only one chunk and one line
 * in memory. Synchronous on purpose: core's `verifyAuditChain` consumes a plain `Iterable`, and a
 * synchronous generator lets it pull lines as it goes (an async readline stream could not feed it
 * without buffering the file).
 *
 * Every line is yielded, blank ones included (a blank line in an export is itself a fault to report),
 * except the empty remainder after a final newline. A trailing `\r` is dropped (CRLF files).
 */
export function* readLinesSync(path: string): Generator<string, void, undefined> {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    // Decodes across chunk boundaries, so a UTF-8 character split between two reads stays whole.
    const decoder = new StringDecoder("utf8");
    let pending = "";
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      pending += decoder.write(buffer.subarray(0, read));
      let start = 0;
      for (let end = pending.indexOf("\n"); end !== -1; end = pending.indexOf("\n", start)) {
        yield stripCr(pending.slice(start, end));
        start = end + 1;
      }
      pending = pending.slice(start);
    }
    pending += decoder.end();
    if (pending !== "") yield stripCr(pending);
  } finally {
    closeSync(fd);
  }
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
