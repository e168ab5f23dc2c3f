import { z } from "zod";
import { NotificationEventType } from "../wire/notification.ts";
import { isKnownTimeZone, parseClockTime, WEEKDAYS } from "./business-hours.ts";
import { PolicyDuration } from "./policy-duration.ts";

/**
 * Policy fields for escalation ladders, notifications and bypass resistance, as written in
 * `loopgate.yaml`. `document.ts` puts them in place; `settings.ts` resolves them.
 */

/** `env:NAME`: a value Loopgate reads from the server's environment, so secrets stay out of the policy. */
const EnvReference = z.string().regex(/^env:[A-Za-z_][A-Za-z0-9_]*$/, {
  message:
    "must name an environment variable, e.g. env:LOOPGATE_EVENTS_SECRET (keep secrets out of the policy)",
});

const HttpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/**
 * `queues.<name>.businessHours`: the due-time clock of the queue runs only inside these hours.
 *
 * @example
 * ```yaml
 * businessHours: { timezone: Europe/Berlin, days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00" }
 * ```
 */
export const PolicyBusinessHoursDocument = z
  .strictObject({
    timezone: z.string().refine(isKnownTimeZone, {
      message: "is not a known IANA time zone: use a name such as Europe/Berlin or America/New_York",
    }),
    days: z
      .array(z.enum(WEEKDAYS, { error: `must be one of: ${WEEKDAYS.join(", ")}` }))
      .min(1, { error: "name at least one day, e.g. [mon, tue, wed, thu, fri]" }),
    from: z.string().refine((text) => parseClockTime(text) !== null, {
      message: 'must be a time of day as "HH:MM", e.g. "09:00" (quote it in YAML)',
    }),
    to: z.string().refine((text) => parseClockTime(text) !== null, {
      message: 'must be a time of day as "HH:MM", e.g. "17:00" (quote it in YAML)',
    }),
  })
  .superRefine((hours, ctx) => {
    const from = parseClockTime(hours.from);
    const to = parseClockTime(hours.to);
    if (from !== null && to !== null && to <= from) {
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: `must be after from (${hours.from}); hours across midnight are not supported`,
      });
    }
  });
export type PolicyBusinessHoursDocument = z.infer<typeof PolicyBusinessHoursDocument>;

/**
 * One channel under `queues.<name>.notify`: exactly one of `webhook` (with its `secret`), `email` or
 * `slack`, and optionally the `events` it receives (every event when absent).
 *
 * @example
 * ```yaml
 * notify:
 *   - { webhook: "https://hooks.example.com/loopgate", secret: env:LOOPGATE_EVENTS_SECRET }
 *   - { email: [leads@example.com], events: [review.escalated, review.reminder] }
 *   - { slack: env:SLACK_SUPPORT_WEBHOOK }
 * ```
 */
export const PolicyNotifyChannelDocument = z
  .strictObject({
    webhook: HttpUrl.optional(),
    secret: EnvReference.optional(),
    email: z
      .array(z.email({ error: "must be an email address, e.g. leads@example.com" }))
      .min(1, { error: "list at least one address" })
      .optional(),
    slack: z
      .union([HttpUrl, EnvReference], {
        error: "must be a Slack incoming-webhook URL or env:NAME holding one",
      })
      .optional(),
    events: z.array(NotificationEventType).min(1).optional(),
  })
  .superRefine((channel, ctx) => {
    const kinds = (["webhook", "email", "slack"] as const).filter((kind) => channel[kind] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message:
          kinds.length === 0
            ? "name one channel: webhook (with secret), email or slack"
            : `names ${kinds.join(" and ")}: use one channel per entry`,
      });
    }
    if (channel.webhook !== undefined && channel.secret === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["secret"],
        message: "is required for a webhook: add secret: env:NAME (a whsec_… signing secret)",
      });
    }
    if (channel.webhook === undefined && channel.secret !== undefined) {
      ctx.addIssue({ code: "custom", path: ["secret"], message: "only applies to a webhook: remove it" });
    }
  });
export type PolicyNotifyChannelDocument = z.infer<typeof PolicyNotifyChannelDocument>;

/**
 * `actions.<type>.bypass`: how Loopgate links a proposal to a recently refused near-repeat of it, or to a
 * refused amount it splits. `false` turns the check off for the action type.
 *
 * @example
 * ```yaml
 * bypass: { window: 24h, entity: payload.customerId }
 * ```
 */
export const PolicyBypassDocument = z.union(
  [
    z.literal(false),
    z.strictObject({
      window: PolicyDuration.optional(),
      similarity: z
        .number()
        .gt(0, { error: "must be above 0 and at most 1, e.g. 0.9" })
        .max(1, { error: "must be above 0 and at most 1, e.g. 0.9" })
        .optional(),
      tolerance: z
        .number()
        .min(0, { error: "must be between 0 and 1 (a share, e.g. 0.05)" })
        .max(1, { error: "must be between 0 and 1 (a share, e.g. 0.05)" })
        .optional(),
      entity: z
        .string()
        .regex(/^(context|payload)\.[A-Za-z0-9_.-]+$/, {
          message: "must be a path starting with context. or payload., e.g. payload.customerId",
        })
        .optional(),
    }),
  ],
  { error: "must be false or a map such as { window: 24h }" },
);
export type PolicyBypassDocument = z.infer<typeof PolicyBypassDocument>;
