/** Exit codes every command uses. */
export const EXIT = Object.freeze({
  /** The command did what was asked, or the check passed. */
  ok: 0,
  /** A check failed (a bad policy, a failing example, a broken chain) or the operation could not be done. */
  failed: 1,
  /** The command line was wrong: unknown flags, bad values, a missing input file. */
  usage: 2,
});
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * An expected failure: `main` prints its message (no stack trace) to stderr and exits with its code.
 * Anything else that escapes a command is a bug and is printed with its stack.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failed,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** A usage error (exit 2), e.g. a flag value that does not parse. */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT.usage);
}
