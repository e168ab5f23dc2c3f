import { NotificationEventType } from "../wire/notification.ts";
import { type BusinessHours, parseClockTime } from "./business-hours.ts";
import type { BypassSettings, NotifyChannel } from "./compiled-policy.ts";
import { parseDuration } from "./duration.ts";
import type {
  PolicyBusinessHoursDocument,
  PolicyBypassDocument,
  PolicyNotifyChannelDocument,
} from "./ladder-document.ts";

/** The bypass window when an action type does not set one. */
export const DEFAULT_BYPASS_WINDOW_MS = 24 * 3_600_000;

/** Business hours as written, resolved to minutes; null for a queue whose clock always runs. */
export function resolveBusinessHours(hours: PolicyBusinessHoursDocument | undefined): BusinessHours | null {
  if (hours === undefined) return null;
  // The document was validated, so both times parse.
  return Object.freeze({
    timezone: hours.timezone,
    days: Object.freeze([...new Set(hours.days)]),
    fromMinute: parseClockTime(hours.from)!,
    toMinute: parseClockTime(hours.to)!,
  });
}

/** A queue's notification channels, each with the events it receives (every event by default). */
export function resolveNotify(channels: readonly PolicyNotifyChannelDocument[] | undefined): NotifyChannel[] {
  const all = NotificationEventType.options;
  return (channels ?? []).map((channel): NotifyChannel => {
    const events = Object.freeze([...(channel.events ?? all)]);
    if (channel.webhook !== undefined)
      return { kind: "webhook", url: channel.webhook, secret: channel.secret ?? "", events };
    if (channel.email !== undefined) return { kind: "email", to: Object.freeze([...channel.email]), events };
    return { kind: "slack", url: channel.slack ?? "", events };
  });
}

/** An action type's bypass settings with the defaults (24h, 0.9, 5 %, `context.entity`); null when off. */
export function resolveBypass(bypass: PolicyBypassDocument | undefined): BypassSettings | null {
  if (bypass === false) return null;
  return Object.freeze({
    windowMs: bypass?.window === undefined ? DEFAULT_BYPASS_WINDOW_MS : parseDuration(bypass.window),
    similarity: bypass?.similarity ?? 0.9,
    tolerance: bypass?.tolerance ?? 0.05,
    entity: bypass?.entity ?? "context.entity",
  });
}
