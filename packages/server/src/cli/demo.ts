import { type Command, InvalidArgumentError } from "commander";
import { note, say, sayJson } from "./output.ts";
import { parsePort } from "./parse.ts";

interface DemoFlags {
  port: number;
  dataDir: string;
  simulateReviewers?: boolean;
  reset?: boolean;
  json?: boolean;
  llmUrl?: string;
  llmModel: string;
  tickets?: number;
}

/** `loopgate demo`: the support desk with its offline agent, on the embedded store. */
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("run the support-desk demo: server, reviewer app, demo users and an offline support agent")
    .option("--port <n>", "port to listen on (0 picks a free one)", parsePort, 4747)
    .option("--data-dir <dir>", "where the demo's store and state live", ".loopgate-demo")
    .option("--simulate-reviewers", "let simulated people work the queues")
    .option("--reset", "delete the data directory first and start over")
    .option("--json", 'print {"url","users","ownerKey","dataDir"} as one JSON line once populated')
    .option(
      "--llm-url <url>",
      "draft replies with this OpenAI-compatible API (base URL, e.g. http://localhost:11434/v1)",
    )
    .option("--llm-model <name>", "the model to ask when --llm-url is given", "gpt-4o-mini")
    .option("--tickets <n>", "work through only the first n tickets (a quicker look)", parseCount)
    .addHelpText(
      "after",
      `
The agent reads 320 support tickets written for the demo, classifies them, retrieves help articles and
proposes replies, refunds, card freezes and changes of details through Loopgate. Run it again on the same
data directory and it continues where it stopped. The API key for --llm-url is read from
LOOPGATE_LLM_API_KEY or OPENAI_API_KEY.

Examples:
  $ loopgate demo
  $ loopgate demo --simulate-reviewers --port 8080
  $ loopgate demo --reset --json
  $ loopgate demo --llm-url http://localhost:11434/v1 --llm-model llama3.2`,
    )
    .action(async (flags: DemoFlags) => demo(flags));
}

async function demo(flags: DemoFlags): Promise<void> {
  // Loaded here: the demo pulls in the server, the agent and its data, which no other command needs.
  const { startDemo } = await import("../demo/run-demo.ts");
  const started = Date.now();
  const progress = progressBar();
  const running = await startDemo({
    port: flags.port,
    dataDir: flags.dataDir,
    reset: flags.reset ?? false,
    simulateReviewers: flags.simulateReviewers ?? false,
    ...(flags.llmUrl ? { llm: { url: flags.llmUrl, model: flags.llmModel } } : {}),
    ...(flags.tickets === undefined ? {} : { ticketLimit: flags.tickets }),
    onProgress: progress.update,
    log: note,
  });
  progress.end();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const users = running.users.map(({ name, password, role }) => ({ name, password, role }));
  if (flags.json) {
    sayJson({ url: running.url, users, ownerKey: running.ownerKey, dataDir: running.dataDir });
  } else {
    say(`\nThe support desk is open at ${running.url}  (populated in ${seconds} s)\n`);
    say("Sign in as:");
    for (const user of running.users) {
      const works = user.queues.length === 0 ? "every queue" : `queues: ${user.queues.join(", ")}`;
      say(`  ${user.name.padEnd(8)} password ${user.password.padEnd(28)} ${user.role} (${works})`);
    }
    say(`\nOwner API key:   ${running.ownerKey}`);
    say(`Data directory:  ${running.dataDir}  (run again to continue; --reset starts over)`);
    say(`Carried out:     ${running.url}/demo/receiver/deliveries`);
    say("Ctrl-C stops it.");
  }

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(1);
      stopping = true;
      note(`${signal}: stopping the demo…`);
      running.close().then(resolve, (error: unknown) => {
        note(`Error while stopping: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 1;
        resolve();
      });
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/** A one-line progress bar on stderr (redrawn in place on a terminal, a few plain lines otherwise). */
function progressBar(): { update(done: number, total: number): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  let shown = false;
  return {
    update(done, total) {
      const share = total === 0 ? 1 : done / total;
      const line = `Agent working through tickets [${"#".repeat(Math.round(share * 30)).padEnd(30, ".")}] ${done}/${total}`;
      if (tty) {
        process.stderr.write(`\r${line}`);
        shown = true;
      } else if (Math.floor(share * 10) !== lastDecile) {
        lastDecile = Math.floor(share * 10);
        note(line);
      }
    },
    end() {
      if (tty && shown) process.stderr.write("\n");
    },
  };
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1)
    throw new InvalidArgumentError("give a whole number of tickets, at least 1");
  return count;
}
