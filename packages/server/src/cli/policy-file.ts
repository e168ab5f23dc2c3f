import { readFile } from "node:fs/promises";
import { CliError, EXIT } from "./cli-error.ts";

/**
 * The text of a file named on the command line. A file that cannot be read is a usage error (exit 2):
 * the command was pointed at the wrong place.
 */
export async function readInputFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (error as Error).message;
    throw new CliError(`cannot read ${file}: ${why}`, EXIT.usage);
  }
}

/** `2 rules`, `1 rule`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
