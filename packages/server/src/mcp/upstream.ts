import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";

/**
 * Connects to the upstream MCP server the gateway fronts: an `http(s)://` URL (Streamable HTTP), or a
 * command line started as a child process speaking stdio. The child's stderr passes through to ours, so
 * its own diagnostics stay visible.
 *
 * @example
 * ```ts
 * const upstream = await connectUpstream("npx -y @modelcontextprotocol/server-filesystem /tmp/work");
 * const { tools } = await upstream.listTools();
 * ```
 */
export async function connectUpstream(spec: string, clientName = "loopgate-mcp-gateway"): Promise<Client> {
  const client = new Client({ name: clientName, version: "0.1.0" });
  await client.connect(transportFor(spec));
  return client;
}

function transportFor(spec: string): Transport {
  if (/^https?:\/\//i.test(spec)) return new StreamableHTTPClientTransport(new URL(spec));
  const [command, ...args] = splitCommandLine(spec);
  if (command === undefined) throw new Error("--upstream is empty: give a URL or a command line");
  return new StdioClientTransport({ command, args, stderr: "inherit" });
}

/**
 * Splits a command line as a POSIX shell would for the simple cases: whitespace separates words, single
 * and double quotes group, a backslash escapes the next character. No expansion of any kind, on purpose:
 * the line is run directly, not through a shell.
 *
 * @example
 * ```ts
 * splitCommandLine(`node server.js "/tmp/my dir"`); // ["node", "server.js", "/tmp/my dir"]
 * ```
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote !== null) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < line.length) word += line[++i] as string;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= "";
    } else if (c === "\\" && i + 1 < line.length) {
      word = (word ?? "") + (line[++i] as string);
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote !== null) throw new Error(`unterminated ${quote} in the command line: ${line}`);
  if (word !== null) words.push(word);
  return words;
}
