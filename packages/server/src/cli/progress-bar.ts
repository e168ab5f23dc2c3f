import { note } from "./output.ts";

/** A progress bar for long work. */
export interface ProgressBar {
  update(done: number, total: number): void;
  end(): void;
}

const WIDTH = 30;

/**
 * A one-line progress bar on stderr, so stdout stays clean for `--json` and pipes: redrawn in place on a
 * terminal, and a plain line at each tenth otherwise (logs, CI).
 *
 * @example
 * ```ts
 * const bar = progressBar("Replaying proposals");
 * bar.update(500, 1000); // Replaying proposals [###############...............] 500/1000
 * bar.end();
 * ```
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const tty = stream.isTTY === true;
  let lastTenth = -1;
  let shown = false;
  return {
    update(done, total) {
      const share = total === 0 ? 1 : Math.min(1, done / total);
      const line = `${label} [${"#".repeat(Math.round(share * WIDTH)).padEnd(WIDTH, ".")}] ${done}/${total}`;
      if (tty) {
        stream.write(`\r${line}`);
        shown = true;
      } else if (Math.floor(share * 10) !== lastTenth) {
        lastTenth = Math.floor(share * 10);
        note(line);
      }
    },
    end() {
      if (tty && shown) stream.write("\n");
    },
  };
}
