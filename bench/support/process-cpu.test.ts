import { describe, expect, it } from "vitest";
import { machineCpu, machineSince, parseMachineCpu } from "./process-cpu.ts";

describe("parseMachineCpu", () => {
  it("sums the aggregate line's ticks by kind, in milliseconds", () => {
    const stat = "cpu  200 10 50 700 40 3 5 7 0 0\ncpu0 100 5 25 350 20 1 2 3 0 0\nintr 123\n";
    expect(parseMachineCpu(stat)).toEqual({
      user: 2_100,
      system: 500,
      interrupts: 80,
      idle: 7_400,
      steal: 70,
    });
  });

  it("reads older kernels' shorter lines as zero for the missing kinds", () => {
    expect(parseMachineCpu("cpu 1 2 3 4\n")).toEqual({
      user: 30,
      system: 30,
      interrupts: 0,
      idle: 40,
      steal: 0,
    });
  });

  it("is null without an aggregate line", () => {
    expect(parseMachineCpu("cpu0 1 2 3 4\n")).toBeNull();
  });
});

describe("machineCpu", () => {
  it("moves forward between two readings on this machine", async () => {
    const before = machineCpu();
    const end = Date.now() + 50;
    while (Date.now() < end) {
      // Spin so this core's user time advances by at least a tick.
    }
    const spent = machineSince(before, machineCpu());
    const total = spent.user + spent.system + spent.interrupts + spent.idle + spent.steal;
    expect(spent.user).toBeGreaterThanOrEqual(0);
    expect(total).toBeGreaterThan(0);
  });
});
