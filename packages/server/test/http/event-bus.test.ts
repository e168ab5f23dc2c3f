import { describe, expect, it } from "vitest";
import { type ChangeEvent, EventBus } from "../../src/app/events.ts";

const event = (proposalId: string | null, type: ChangeEvent["type"] = "proposal.updated"): ChangeEvent => ({
  type,
  proposalId,
  reviewId: null,
  agentId: "bot",
  queue: null,
  status: "approved",
  at: "2026-11-30T00:00:00.000Z",
});

describe("the event bus", () => {
  it("gives every subscriber every event, and a proposal's listeners only that proposal's", () => {
    const bus = new EventBus();
    const all: (string | null)[] = [];
    const ofA: (string | null)[] = [];
    const ofB: (string | null)[] = [];
    bus.subscribe((e) => all.push(e.proposalId));
    const stopA = bus.subscribeProposal("a", (e) => ofA.push(e.proposalId));
    bus.subscribeProposal("b", (e) => ofB.push(e.proposalId));
    bus.publish(event("a"));
    bus.publish(event("b"));
    bus.publish(event(null, "policy.loaded"));
    stopA();
    bus.publish(event("a"));
    expect(all).toEqual(["a", "b", null, "a"]);
    expect(ofA).toEqual(["a"]);
    expect(ofB).toEqual(["b"]);
  });

  it("lets a listener unsubscribe itself, or another, while an event is delivered", () => {
    const bus = new EventBus();
    const heard: string[] = [];
    const stops: (() => void)[] = [];
    stops.push(
      bus.subscribeProposal("a", () => {
        heard.push("first");
        stops[0]!();
        stops[1]!();
      }),
    );
    stops.push(bus.subscribeProposal("a", () => heard.push("second")));
    bus.publish(event("a"));
    bus.publish(event("a"));
    expect(heard).toEqual(["first", "second"]);
  });
});
