/** One action type of the policy as `GET /v1/actions` lists it; the fields the MCP tools read. */
export interface ActionTypeInfo {
  type: string;
  description: string | null;
  payloadSchema: unknown;
  mcpTool: string | null;
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
  const response = await fetch(`${connection.url.replace(/\/+$/, "")}/v1/actions`, {
    headers: connection.apiKey === undefined ? {} : { authorization: `Bearer ${connection.apiKey}` },
  });
  const body = (await response.json().catch(() => null)) as {
    items?: ActionTypeInfo[];
    error?: { message?: string };
  } | null;
  if (!response.ok || !Array.isArray(body?.items)) {
    const why = body?.error?.message ?? `HTTP ${response.status}`;
    throw new Error(`could not read the action types from ${connection.url}/v1/actions: ${why}`);
  }
  return body.items;
}

/**
 * The tool → action type map of the policy (`mcpTool:` on an action type), read at most every `ttlMs`
 * so a new policy version takes effect without restarting the gateway.
 */
export class McpActionMap {
  #map: Map<string, string> | null = null;
  #readAt = 0;
  #reading: Promise<Map<string, string>> | null = null;

  constructor(
    private readonly connection: LoopgateConnection,
    private readonly ttlMs = 10_000,
  ) {}

  /** The action type gating `tool`, or undefined when the tool passes through. */
  async actionTypeFor(tool: string): Promise<string | undefined> {
    return (await this.#current()).get(tool);
  }

  async #current(): Promise<Map<string, string>> {
    if (this.#map !== null && Date.now() - this.#readAt < this.ttlMs) return this.#map;
    this.#reading ??= fetchActionTypes(this.connection)
      .then((items) => {
        this.#map = new Map(items.flatMap((a) => (a.mcpTool === null ? [] : [[a.mcpTool, a.type] as const])));
        this.#readAt = Date.now();
        return this.#map;
      })
      .finally(() => {
        this.#reading = null;
      });
    // A failed refresh keeps the last map rather than opening every gate; the first read must succeed.
    return this.#reading.catch((error: unknown) => {
      if (this.#map !== null) return this.#map;
      throw error;
    });
  }
}
