/** One action type of the policy as `GET /v1/actions` lists it; the fields the MCP tools read. */
export interface ActionTypeInfo {
  type: string;
  description: string | null;
  payloadSchema: unknown;
  mcpTool: string | null;
  /** The upstream server this mapping is for (`mcpServer:`); null for any server. */
  mcpServer?: string | null;
}

/** How the MCP gateway and server reach Loopgate's HTTP API. */
export interface LoopgateConnection {
  url: string;
  apiKey: string | undefined;
}

/**
 * Reads the active policy's action types (`GET /v1/actions`, which agent keys may read). The SDK has no
 * method for it because agents rarely need it; the MCP tools do, to map tools to action types.
 */
export async function fetchActionTypes(connection: LoopgateConnection): Promise<ActionTypeInfo[]> {
  const url = `${connection.url.replace(/\/+$/, "")}/v1/actions`;
  const response = await fetch(url, {
    headers: connection.apiKey === undefined ? {} : { authorization: `Bearer ${connection.apiKey}` },
  }).catch((error: unknown) => {
    const why = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new Error(`could not read the action types from ${url}: ${why}`, { cause: error });
  });
  const body = (await response.json().catch(() => null)) as {
    items?: ActionTypeInfo[];
    error?: { message?: string };
  } | null;
  if (!response.ok || !Array.isArray(body?.items)) {
    const why = body?.error?.message ?? `HTTP ${response.status}`;
    throw new Error(`could not read the action types from ${url}: ${why}`);
  }
  return body.items;
}

/**
 * Which action type gates `tool` on the server named `serverName`: an action type scoped to that server
 * (`mcpServer:`) wins over an unscoped one; one scoped to another server does not apply.
 *
 * @example
 * ```ts
 * gatingMap([{ type: "files.write", mcpTool: "write_file", mcpServer: "files" } as ActionTypeInfo], "files")
 *   .get("write_file"); // "files.write"
 * ```
 */
export function gatingMap(items: ActionTypeInfo[], serverName: string | undefined): Map<string, string> {
  const scoped = new Map<string, string>();
  const unscoped = new Map<string, string>();
  for (const a of items) {
    if (a.mcpTool === null) continue;
    const server = a.mcpServer ?? null;
    if (server === null) unscoped.set(a.mcpTool, a.type);
    else if (server === serverName) scoped.set(a.mcpTool, a.type);
  }
  return new Map([...unscoped, ...scoped]);
}

/** Options of {@link McpActionMap}. */
export interface McpActionMapOptions {
  /**
   * The upstream server's name, matched against `mcpServer:` (the gateway passes `--server-name`, else the
   * name the upstream reports). Action types scoped to another server are ignored.
   */
  serverName?: string;
  /** How long a read map is used before it is read again. @defaultValue 10000 */
  ttlMs?: number;
}

/**
 * The tool → action type map of the policy (`mcpTool:` on an action type, scoped by `mcpServer:`), read
 * again every `ttlMs` in the background, so a new policy version takes effect without restarting the
 * gateway and no call waits for the read. A map older than twice `ttlMs` (the background reads failing
 * or stalled) is read again before it is used; a failed read keeps the last map rather than opening
 * every gate, and the first read must succeed.
 */
export class McpActionMap {
  #map: Map<string, string> | null = null;
  #readAt = 0;
  #reading: Promise<Map<string, string>> | null = null;
  #timer: NodeJS.Timeout | null = null;
  readonly #serverName: string | undefined;
  readonly #ttlMs: number;

  constructor(
    private readonly connection: LoopgateConnection,
    options: McpActionMapOptions = {},
  ) {
    this.#serverName = options.serverName;
    this.#ttlMs = options.ttlMs ?? 10_000;
  }

  /** The action type gating `tool`, or undefined when the tool passes through. */
  async actionTypeFor(tool: string): Promise<string | undefined> {
    return (await this.#current()).get(tool);
  }

  /** Stops the background reads. */
  close(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #current(): Promise<Map<string, string>> {
    if (this.#map === null) {
      const first = await this.#refresh();
      this.#timer ??= setInterval(() => this.#refresh().catch(() => {}), Math.max(1, this.#ttlMs));
      this.#timer.unref();
      return first;
    }
    const age = Date.now() - this.#readAt;
    if (age < this.#ttlMs) return this.#map;
    if (age < 2 * this.#ttlMs) {
      this.#refresh().catch(() => {});
      return this.#map;
    }
    return this.#refresh().catch(() => this.#map ?? Promise.reject(new Error("no tool map")));
  }

  /** Reads the map again; one read at a time. */
  #refresh(): Promise<Map<string, string>> {
    this.#reading ??= fetchActionTypes(this.connection)
      .then((items) => {
        this.#map = gatingMap(items, this.#serverName);
        this.#readAt = Date.now();
        return this.#map;
      })
      .finally(() => {
        this.#reading = null;
      });
    return this.#reading;
  }
}
