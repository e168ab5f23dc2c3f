import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpLoadClient } from "./http-client.ts";

describe("HttpLoadClient", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        if (req.url === "/chunked") {
          res.writeHead(200, { "content-type": "application/json" });
          res.write('{"parts":["é",');
          res.end('"two"]}');
          return;
        }
        const answer = JSON.stringify({
          method: req.method,
          url: req.url,
          body,
          auth: req.headers.authorization,
        });
        res.writeHead(req.method === "POST" ? 201 : 200, { "content-type": "application/json" });
        res.end(answer);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers GET and POST with the status and the body, and post with the status only", async () => {
    const client = await HttpLoadClient.open(url, 2);
    try {
      const got = await client.request("GET", "/a?b=1", "Authorization: Bearer k\r\n");
      expect(got.status).toBe(200);
      expect(JSON.parse(got.body)).toEqual({ method: "GET", url: "/a?b=1", body: "", auth: "Bearer k" });
      const posted = await client.request("POST", "/p", "", '{"x":"ü"}');
      expect(posted.status).toBe(201);
      expect(JSON.parse(posted.body).body).toBe('{"x":"ü"}');
      expect(await client.post("/p", "", "{}")).toBe(201);
    } finally {
      client.close();
    }
  });

  it("decodes a chunked body, and queues requests beyond its connections in order", async () => {
    const client = await HttpLoadClient.open(url, 1);
    try {
      const answers = await Promise.all([
        client.request("GET", "/chunked", ""),
        client.request("GET", "/second", ""),
      ]);
      expect(JSON.parse(answers[0].body)).toEqual({ parts: ["é", "two"] });
      expect(JSON.parse(answers[1].body).url).toBe("/second");
    } finally {
      client.close();
    }
  });
});
