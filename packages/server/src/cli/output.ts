import { once } from "node:events";
import type { Writable } from "node:stream";

/** Writes one line to stdout: the command's result. Notes and progress go to {@link note}. */
export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Writes one line to stderr: notes, warnings and progress, so stdout stays clean for scripts. */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Writes a value as one line of JSON to stdout. */
export function sayJson(value: unknown): void {
  say(JSON.stringify(value));
}

/** Writes a chunk and waits when the stream's buffer is full, so a long export never piles up in memory. */
export async function writeWithBackpressure(stream: Writable, chunk: string): Promise<void> {
  // `once` rejects if the stream fails while we wait.
  if (!stream.write(chunk)) await once(stream, "drain");
}

/** Ends a stream and waits until everything written has been flushed (or the stream failed). */
export async function endStream(stream: Writable): Promise<void> {
  if (stream === process.stdout || stream === process.stderr) return;
  await new Promise<void>((resolve, reject) => {
    stream.once("error", reject);
    stream.end(() => resolve());
  });
}

/** A word as a POSIX shell reads it back unchanged: bare when safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export { withArticle } from "../app/wording.ts";
