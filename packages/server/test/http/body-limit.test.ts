import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./test-server.ts";

const proposal = JSON.stringify({
  action: { type: "support.reply", payload: { to: "anna@example.com", body: "Your card arrives soon." } },
  evidence: [{ source: "kb", id: "kb-1", snippet: "Cards arrive within 5 working days." }],
  signals: { agentConfidence: 0.8 },
});

/** POSTs `chunks` with the given headers over node:http (chunked when no Content-Length is set). */
function post(
  url: string,
  headers: Record<string, string>,
  chunks: string[],
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/v1/proposals`, { method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    // The server may answer 413 and close before the whole body is sent.
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe("the request body limit", () => {
  let t: TestServer;
  let agent: string;
  beforeAll(async () => {
    t = await startTestServer("sqlite", { config: { maxBodyBytes: 64 * 1024 } });
    agent = await t.key("bot", "agent");
  });
  afterAll(async () => t.close());

  it("refuses a Content-Length over the limit with 413 before reading the body or the key", async () => {
    const big = JSON.stringify({ summary: "x".repeat(100 * 1024) });
    const res = await post(
      t.url,
      { "content-type": "application/json", "content-length": String(big.length) },
      [big],
    );
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("body_too_large");
  });

  it("counts a chunked body as it arrives and refuses it once it passes the limit", async () => {
    const headers = { "content-type": "application/json", authorization: `Bearer ${agent}` };
    const res = await post(t.url, headers, [
      '{"summary":"',
      ..."x"
        .repeat(100)
        .split("")
        .map(() => "y".repeat(1024)),
      '"}',
    ]);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("body_too_large");
  });

  it("accepts a chunked body under the limit", async () => {
    const headers = { "content-type": "application/json", authorization: `Bearer ${agent}` };
    const res = await post(t.url, headers, [proposal.slice(0, 40), proposal.slice(40)]);
    expect(res.status).toBe(201);
    expect(res.body.action.payload.to).toBe("anna@example.com");
  });
});
