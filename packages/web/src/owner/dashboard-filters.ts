import { query } from "../api/client.ts";

/** The windows the dashboard offers, with the size of a chart's bucket in each. */
export const WINDOWS = {
  "24h": { label: "Last 24 hours", hours: 24, bucket: "hour" },
  "7d": { label: "Last 7 days", hours: 24 * 7, bucket: "day" },
  "30d": { label: "Last 30 days", hours: 24 * 30, bucket: "day" },
} as const;
export type WindowName = keyof typeof WINDOWS;

/** What the owner narrowed the dashboard to; empty strings mean "all". */
export interface DashboardFilters {
  window: WindowName;
  actionType: string;
  agent: string;
  queue: string;
}

export const ALL: DashboardFilters = { window: "24h", actionType: "", agent: "", queue: "" };

/** The filters a dashboard address carries (`/dashboard?window=7d&actionType=…`), so a view can be shared. */
export function filtersFromSearch(search: string): DashboardFilters {
  const params = new URLSearchParams(search);
  const named = params.get("window");
  return {
    window: named !== null && named in WINDOWS ? (named as WindowName) : ALL.window,
    actionType: params.get("actionType") ?? "",
    agent: params.get("agent") ?? "",
    queue: params.get("queue") ?? "",
  };
}

/** The address's query for `filters`, leaving out what is at its default. */
export function searchOf(filters: DashboardFilters): string {
  return query({
    window: filters.window === ALL.window ? undefined : filters.window,
    actionType: filters.actionType,
    agent: filters.agent,
    queue: filters.queue,
  });
}

/** The window as timestamps, ending at `now` (taken once per refresh so every section agrees). */
export function windowRange(name: WindowName, now: number): { from: string; to: string } {
  return {
    from: new Date(now - WINDOWS[name].hours * 3_600_000).toISOString(),
    to: new Date(now).toISOString(),
  };
}

/** `GET /v1/metrics` for the window and filters. */
export function metricsPath(filters: DashboardFilters, now: number): string {
  const { from, to } = windowRange(filters.window, now);
  return `/v1/metrics${query({
    from,
    to,
    bucket: WINDOWS[filters.window].bucket,
    actionType: filters.actionType,
    agent: filters.agent,
    queue: filters.queue,
  })}`;
}

/** A per agent × action type read (`/v1/calibration`, `/v1/recommendations`, `/v1/autonomy`) for the filters. */
export function pairPath(
  base: string,
  filters: DashboardFilters,
  extra: Record<string, string | number> = {},
): string {
  return `${base}${query({ agent: filters.agent, actionType: filters.actionType, ...extra })}`;
}

/** `GET /v1/vigilance` over the window. */
export function vigilancePath(filters: DashboardFilters, now: number): string {
  return `/v1/vigilance${query(windowRange(filters.window, now))}`;
}
