import { describe, expect, it } from "vitest";
import { benchBody, benchProposal } from "./bench-policy.ts";

describe("the benchmark's proposal body", () => {
  it("is exactly the proposal serialised, for every variation of it", () => {
    // 30 confidences × 5,000 entities repeat after 15,000; cover them and some large numbers.
    for (let i = 0; i < 15_000; i++) expect(benchBody(i)).toBe(JSON.stringify(benchProposal(i)));
    for (const i of [99_999, 1_000_000, 123_456_789])
      expect(benchBody(i)).toBe(JSON.stringify(benchProposal(i)));
  });

  it("varies by request where a real agent's proposals would", () => {
    const body = JSON.parse(benchBody(5_017)) as {
      action: { payload: { to: string; body: string } };
      signals: { agentConfidence: number };
      context: { entity: string };
    };
    expect(body.action.payload.to).toBe("customer5017@example.com");
    expect(body.action.payload.body).toMatch(/Reference 5017\.$/);
    expect(body.signals.agentConfidence).toBeCloseTo(0.62 + 7 / 100);
    expect(body.context.entity).toBe("customer:c_17");
  });
});
