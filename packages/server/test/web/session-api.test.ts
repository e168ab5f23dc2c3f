import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Desk, PASSWORD, replyProposal, startDesk } from "./support/desk.ts";

/** A browser-less client: keeps the session cookie and sends what a browser would. */
async function signIn(desk: Desk, name: string, password = PASSWORD, headers: Record<string, string> = {}) {
  const response = await fetch(`${desk.url}/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: desk.url, ...headers },
    body: JSON.stringify({ name, password }),
  });
  const setCookie = response.headers.get("set-cookie") ?? "";
  const body = (await response.json()) as any;
  return {
    status: response.status,
    setCookie,
    cookie: setCookie.split(";")[0] ?? "",
    body,
    headers: response.headers,
  };
}

function withSession(desk: Desk, cookie: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(desk.url + path, {
      method,
      headers: {
        cookie,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === "" ? null : (JSON.parse(text) as any),
    };
  };
}

describe("sessions, CSRF and roles over HTTP", () => {
  let desk: Desk;
  let clock = Date.now();

  beforeAll(async () => {
    desk = await startDesk({ now: () => new Date(clock) });
    await desk.addPerson("rita", "reviewer", { queues: ["support"] });
    await desk.addPerson("olga", "owner");
    await desk.addPerson("lena", "reviewer");
  });
  afterAll(async () => desk.close());

  it("signs in with an HttpOnly, SameSite=Strict cookie and answers the person and a CSRF token", async () => {
    const signed = await signIn(desk, "rita");
    expect(signed.status).toBe(201);
    expect(signed.setCookie).toMatch(/^loopgate_session=[\w-]{43};/);
    expect(signed.setCookie).toMatch(/HttpOnly/);
    expect(signed.setCookie).toMatch(/SameSite=Strict/);
    expect(signed.setCookie).toMatch(/Path=\//);
    expect(signed.setCookie).not.toMatch(/Secure/);
    expect(signed.body.user).toEqual({
      id: expect.any(String),
      name: "rita",
      role: "reviewer",
      queues: ["support"],
      pii: false,
    });
    expect(signed.body.csrfToken).toMatch(/^[\w-]{43}$/);
    const session = await withSession(desk, signed.cookie)("GET", "/v1/session");
    expect(session.status).toBe(200);
    expect(session.body.csrfToken).toBe(signed.body.csrfToken);
  });

  it("answers whether someone is signed in without an error: no cookie, an ended session, a key", async () => {
    const nobody = await withSession(desk, "")("GET", "/v1/session");
    expect(nobody.status).toBe(200);
    expect(nobody.body).toEqual({ signedIn: false });
    expect(nobody.headers.get("cache-control")).toBe("no-store");

    const signed = await signIn(desk, "rita");
    expect(signed.body.signedIn).toBe(true);
    const call = withSession(desk, signed.cookie);
    expect((await call("GET", "/v1/session")).body).toMatchObject({ signedIn: true, user: { name: "rita" } });
    await call("DELETE", "/v1/session", undefined, {
      origin: desk.url,
      "x-csrf-token": signed.body.csrfToken,
    });
    const ended = await call("GET", "/v1/session");
    expect(ended.status).toBe(200);
    expect(ended.body).toEqual({ signedIn: false });

    // A key has no session: still refused, and a bad key is refused as on any route.
    const key = await desk.key("rita-script", "reviewer");
    const withKey = await desk.call("GET", "/v1/session", { key });
    expect(withKey.status).toBe(401);
    expect(withKey.body.error.code).toBe("no_session");
    expect(withKey.body.error.message).toMatch(/^API keys have no session/);
    const badKey = await desk.call("GET", "/v1/session", { key: "not-a-key" });
    expect(badKey.status).toBe(401);
    expect(badKey.body.error.code).toBe("invalid_api_key");
  });

  it("marks the cookie Secure with the __Host- prefix when served over https", async () => {
    const signed = await signIn(desk, "rita", PASSWORD, {
      "x-forwarded-proto": "https",
      origin: desk.url.replace("http:", "https:"),
    });
    expect(signed.status).toBe(201);
    expect(signed.setCookie).toMatch(/^__Host-loopgate_session=/);
    expect(signed.setCookie).toMatch(/Secure/);
  });

  it("refuses a wrong password or name alike, writing nothing, and locks out after repeated failures", async () => {
    const head = await desk.server.deps.store.auditHead();
    const wrong = await signIn(desk, "lena", "not the password");
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe("invalid_credentials");
    expect(wrong.setCookie).toBe("");
    const nobody = await signIn(desk, "nobody", "not the password");
    expect(nobody.body.error).toMatchObject({
      code: "invalid_credentials",
      message: wrong.body.error.message,
    });
    // Five failures are allowed (one above, four here); the sixth attempt is refused before any check.
    for (let i = 0; i < 4; i++) expect((await signIn(desk, "lena", "still wrong")).status).toBe(401);
    const locked = await signIn(desk, "lena", "still wrong");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    // Even the right password waits out the lockout.
    expect((await signIn(desk, "lena")).status).toBe(429);
    expect(await desk.server.deps.store.auditHead()).toEqual(head);
  });

  it("gives a person the same role through a session as through a key: a reviewer cannot reach owner endpoints", async () => {
    const call = withSession(desk, (await signIn(desk, "rita")).cookie);
    expect((await call("GET", "/v1/audit")).status).toBe(403);
    expect((await call("GET", "/v1/audit/verification")).status).toBe(403);
    expect((await call("GET", "/v1/reviews")).status).toBe(200);
    const owner = withSession(desk, (await signIn(desk, "olga")).cookie);
    expect((await owner("GET", "/v1/audit/verification")).body).toMatchObject({ ok: true, problem: null });
  });

  it("refuses a state-changing request without the CSRF token, or from another origin, and records who decided", async () => {
    const signed = await signIn(desk, "rita");
    const call = withSession(desk, signed.cookie);
    const proposal = await desk.propose(replyProposal("Your card arrives within 5 working days."));
    const path = `/v1/reviews/${proposal.review.id}/decisions`;
    const noToken = await call("POST", path, { verdict: "approve" }, { origin: desk.url });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe("csrf_token_invalid");
    const wrongToken = await call(
      "POST",
      path,
      { verdict: "approve" },
      { origin: desk.url, "x-csrf-token": "guess" },
    );
    expect(wrongToken.body.error.code).toBe("csrf_token_invalid");
    const foreign = await call(
      "POST",
      path,
      { verdict: "approve" },
      { origin: "https://evil.example", "x-csrf-token": signed.body.csrfToken },
    );
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe("cross_origin_request");
    const audit = await desk.call("GET", `/v1/audit?proposalId=${proposal.id}`, {
      key: await desk.key("ola", "owner"),
    });
    expect(audit.body.items.map((e: any) => e.type)).not.toContain("decision.recorded");

    const good = await call(
      "POST",
      path,
      { verdict: "approve" },
      { origin: desk.url, "x-csrf-token": signed.body.csrfToken },
    );
    expect(good.status).toBe(201);
    expect(good.body.decision.by).toEqual({ id: signed.body.user.id, name: "rita" });
  });

  it("records in the audit log which credential a person acted through: their session or a key acting as them", async () => {
    const signed = await signIn(desk, "rita");
    const session = await withSession(desk, signed.cookie)("GET", "/v1/session");
    const headers = { origin: desk.url, "x-csrf-token": signed.body.csrfToken };
    const bySession = await desk.propose(replyProposal("Your new card is on its way."));
    const claimed = await withSession(desk, signed.cookie)(
      "POST",
      `/v1/reviews/${bySession.review.id}/claim`,
      {},
      headers,
    );
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
    const decided = await withSession(desk, signed.cookie)(
      "POST",
      `/v1/reviews/${bySession.review.id}/decisions`,
      { verdict: "approve" },
      headers,
    );
    expect(decided.status, JSON.stringify(decided.body)).toBe(201);

    const lenaKey = await desk.key("lena", "reviewer");
    const auditor = await desk.key("aude", "auditor");
    // The key's `key.created` entry is how the log names a key id.
    const created = await desk.call("GET", "/v1/audit?type=key.created&order=desc", { key: auditor });
    const lenaKeyId = created.body.items.find((e: any) => e.data.name === "lena")?.data.keyId;
    expect(lenaKeyId).toEqual(expect.any(String));
    const byKey = await desk.propose(replyProposal("Your refund was sent today."));
    const viaKey = await desk.call("POST", `/v1/reviews/${byKey.review.id}/decisions`, {
      key: lenaKey,
      body: { verdict: "reject", category: "wrong_answer" },
    });
    expect(viaKey.status, JSON.stringify(viaKey.body)).toBe(201);

    const actorsOf = async (proposalId: string) =>
      (await desk.call("GET", `/v1/audit?proposalId=${proposalId}`, { key: auditor })).body.items
        .filter((e: any) => e.actor.kind === "user")
        .map((e: any) => [e.type, e.actor]);
    const rita = { kind: "user", id: signed.body.user.id, name: "rita" };
    expect(session.status).toBe(200);
    expect(await actorsOf(bySession.id)).toEqual([
      ["review.claimed", { ...rita, via: { kind: "session", id: expect.any(String) } }],
      ["decision.recorded", { ...rita, via: { kind: "session", id: expect.any(String) } }],
    ]);
    expect(await actorsOf(byKey.id)).toEqual([
      [
        "decision.recorded",
        { kind: "user", id: expect.any(String), name: "lena", via: { kind: "key", id: lenaKeyId } },
      ],
    ]);
    // The chain verifies with the credentials in it.
    expect((await desk.call("GET", "/v1/audit/verification", { key: auditor })).body).toMatchObject({
      ok: true,
    });
  });

  it("masks personal data in the agent's summary for a reviewer without the PII permission: list, claim and claim-next", async () => {
    const signed = await signIn(desk, "rita");
    const call = withSession(desk, signed.cookie);
    const headers = { origin: desk.url, "x-csrf-token": signed.body.csrfToken };
    const proposal = await desk.propose(
      replyProposal("Your card arrives within 5 working days.", {
        summary: "Reply to anna@example.com about her card",
      }),
    );
    const listed = await call("GET", "/v1/reviews?queue=support&limit=500");
    const item = listed.body.items.find((r: any) => r.id === proposal.review.id);
    expect(item.summary).not.toContain("anna@example.com");
    const claimed = await call("POST", `/v1/reviews/${proposal.review.id}/claim`, {}, headers);
    expect(claimed.status).toBe(200);
    expect(claimed.body.summary).toBe(item.summary);
    await call("POST", `/v1/reviews/${proposal.review.id}/release`, {}, headers);
    let next = await call("POST", "/v1/reviews/claim-next", { queue: "support" }, headers);
    while (next.body.review !== null && next.body.review.id !== proposal.review.id) {
      await call("POST", `/v1/reviews/${next.body.review.id}/release`, {}, headers);
      await desk.call("POST", `/v1/reviews/${next.body.review.id}/decisions`, {
        key: await desk.key("olaf", "owner"),
        body: { verdict: "reject", category: "test_cleanup" },
      });
      next = await call("POST", "/v1/reviews/claim-next", { queue: "support" }, headers);
    }
    expect(next.body.review.summary).toBe(item.summary);
    expect(JSON.stringify(next.body.proposal)).not.toContain("anna@example.com");
    // rita works the support queue only.
    const elsewhere = await call("POST", "/v1/reviews/claim-next", { queue: "billing" }, headers);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error.code).toBe("queue_not_worked");
  });

  it("ends a session when its owner signs out, and after the idle window", async () => {
    const signed = await signIn(desk, "olga");
    const call = withSession(desk, signed.cookie);
    const out = await call("DELETE", "/v1/session", undefined, {
      origin: desk.url,
      "x-csrf-token": signed.body.csrfToken,
    });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/loopgate_session=;/);
    const after = await call("GET", "/v1/reviews");
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("session_expired");

    const idle = withSession(desk, (await signIn(desk, "olga")).cookie);
    expect((await idle("GET", "/v1/reviews")).status).toBe(200);
    clock += 2 * 3_600_000 + 1000; // past the two-hour idle window
    expect((await idle("GET", "/v1/reviews")).status).toBe(401);
  });

  it("serves the app at / with a strict CSP, falls back to it for app paths, and leaves API paths to the API", async () => {
    const page = await fetch(`${desk.url}/review/some-id?proposal=x`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(await page.text()).toContain('<div id="root">');
    const unknownApi = await fetch(`${desk.url}/v1/nothing-here`);
    expect(unknownApi.status).toBe(404);
    expect(((await unknownApi.json()) as any).error.code).toBe("route_not_found");
  });
});
