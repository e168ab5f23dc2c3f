import { describe, expect, it } from "vitest";
import { MAX_RETRY_AFTER_MS, retryAfterMs, retryDelayMs } from "../../src/execution/backoff.ts";
import { resolveSecret, webhookSignature } from "../../src/execution/signature.ts";

describe("Standard Webhooks signature", () => {
  it("matches the specification's test vector", () => {
    // From the Standard Webhooks reference libraries' tests.
    const signature = webhookSignature(
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      "msg_p5jXN8AQM9LWM0D4loKWxJek",
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("reads env: secrets from the environment and nothing else", () => {
    expect(resolveSecret("env:HOOK", { HOOK: "whsec_abc" })).toBe("whsec_abc");
    expect(resolveSecret("env:HOOK", {})).toBeNull();
    expect(resolveSecret("env:HOOK", { HOOK: "" })).toBeNull();
    expect(resolveSecret("whsec_literal", {})).toBe("whsec_literal");
  });
});

describe("retry back-off", () => {
  it("starts at the base, doubles, caps, and draws uniformly below the cap (full jitter)", () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000, 300_000, top))).toEqual([999, 1999, 3999, 7999]);
    expect(retryDelayMs(20, 1000, 300_000, top)).toBe(299_999);
    expect(retryDelayMs(5, 1000, 300_000, () => 0)).toBe(0);
    const draws = Array.from({ length: 2000 }, () => retryDelayMs(3, 1000, 300_000, Math.random));
    expect(Math.max(...draws)).toBeLessThan(4000);
    expect(draws.filter((d) => d < 2000).length).toBeGreaterThan(800); // about half below the middle
  });

  it("reads Retry-After as seconds or an HTTP date, capped", () => {
    const now = new Date("2026-11-30T00:00:00Z");
    expect(retryAfterMs("7", now)).toBe(7000);
    expect(retryAfterMs("Mon, 30 Nov 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Sun, 29 Nov 2026 00:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs("999999", now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs("soon", now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});
