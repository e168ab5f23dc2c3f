import { describe, expect, it } from "vitest";
import {
  type BusinessHours,
  dueAfter,
  openTimeBefore,
  parseClockTime,
} from "../../src/policy/business-hours.ts";

const HOUR = 3_600_000;
const berlin: BusinessHours = {
  timezone: "Europe/Berlin",
  days: ["mon", "tue", "wed", "thu", "fri"],
  fromMinute: 9 * 60,
  toMinute: 17 * 60,
};

describe("dueAfter", () => {
  it("adds wall-clock time without business hours", () => {
    expect(dueAfter(new Date("2026-03-27T15:00:00Z"), 2 * HOUR, null).toISOString()).toBe(
      "2026-03-27T17:00:00.000Z",
    );
  });

  it("counts only open hours: Friday 16:00 plus 2h is Monday 10:00 local", () => {
    // 2026-01-16 is a Friday; Berlin is UTC+1 in winter.
    const due = dueAfter(new Date("2026-01-16T15:00:00Z"), 2 * HOUR, berlin);
    expect(due.toISOString()).toBe("2026-01-19T09:00:00.000Z");
  });

  it("starts the clock at opening time when started outside the hours", () => {
    // Saturday night: the clock starts Monday 09:00 local (08:00Z).
    const due = dueAfter(new Date("2026-01-17T22:00:00Z"), 30 * 60_000, berlin);
    expect(due.toISOString()).toBe("2026-01-19T08:30:00.000Z");
  });

  it("keeps a business day eight local hours across the spring-forward change", () => {
    // Clocks go forward on Sunday 2026-03-29. Friday 16:00 CET (15:00Z) + 2h → Monday 10:00 CEST (08:00Z).
    const due = dueAfter(new Date("2026-03-27T15:00:00Z"), 2 * HOUR, berlin);
    expect(due.toISOString()).toBe("2026-03-30T08:00:00.000Z");
    // 16 open hours from Friday 09:00 CET: Friday's 8h and Monday's 8h, ending Monday 17:00 CEST.
    expect(dueAfter(new Date("2026-03-27T08:00:00Z"), 16 * HOUR, berlin).toISOString()).toBe(
      "2026-03-30T15:00:00.000Z",
    );
  });

  it("keeps a business day eight local hours across the fall-back change", () => {
    // Clocks go back on Sunday 2026-10-25. Friday 16:00 CEST (14:00Z) + 2h → Monday 10:00 CET (09:00Z).
    const due = dueAfter(new Date("2026-10-23T14:00:00Z"), 2 * HOUR, berlin);
    expect(due.toISOString()).toBe("2026-10-26T09:00:00.000Z");
  });

  it("handles hours that include a time skipped by the change", () => {
    const night: BusinessHours = { timezone: "Europe/Berlin", days: ["sun"], fromMinute: 60, toMinute: 240 };
    // Sunday 2026-03-29 01:00–04:00 local has only two real hours (02:00–03:00 does not exist).
    const due = dueAfter(new Date("2026-03-29T00:00:00Z"), 2 * HOUR, night);
    expect(due.toISOString()).toBe("2026-03-29T02:00:00.000Z"); // 04:00 CEST
    expect(dueAfter(new Date("2026-03-29T00:00:00Z"), 2 * HOUR + 60_000, night).getTime()).toBeGreaterThan(
      Date.parse("2026-04-04T00:00:00Z"),
    );
  });

  it("works in a zone west of UTC", () => {
    const newYork: BusinessHours = { ...berlin, timezone: "America/New_York" };
    // Monday 2026-03-09 (after the US change on 03-08) 16:30 EDT = 20:30Z; +1h → Tuesday 09:30 EDT.
    expect(dueAfter(new Date("2026-03-09T20:30:00Z"), HOUR, newYork).toISOString()).toBe(
      "2026-03-10T13:30:00.000Z",
    );
  });
});

describe("openTimeBefore", () => {
  it("subtracts open time: 30m before Monday 09:15 is Friday 16:45", () => {
    const at = openTimeBefore(new Date("2026-01-19T08:15:00Z"), 30 * 60_000, berlin);
    expect(at.toISOString()).toBe("2026-01-16T15:45:00.000Z");
  });

  it("is the inverse of dueAfter inside open hours, across a DST change", () => {
    const start = new Date("2026-03-27T14:10:00Z");
    const due = dueAfter(start, 5 * HOUR, berlin);
    expect(openTimeBefore(due, 5 * HOUR, berlin).toISOString()).toBe(start.toISOString());
  });

  it("subtracts wall-clock time without business hours", () => {
    expect(openTimeBefore(new Date("2026-01-19T08:15:00Z"), HOUR, null).toISOString()).toBe(
      "2026-01-19T07:15:00.000Z",
    );
  });
});

describe("parseClockTime", () => {
  it("reads HH:MM and refuses anything else", () => {
    expect(parseClockTime("09:30")).toBe(570);
    expect(parseClockTime("24:00")).toBe(1440);
    expect(parseClockTime("24:30")).toBeNull();
    expect(parseClockTime("9:30")).toBeNull();
  });
});
