import { z } from "zod";

/** Where notifications link to and how email is sent; part of the server's configuration. */
export interface NotificationConfig {
  /**
   * The reviewer app's public base URL, for deep links (`<publicUrl>/reviews/<id>`).
   * @defaultValue the URL the server listens on (LOOPGATE_PUBLIC_URL)
   */
  publicUrl: string | null;
  /** SMTP for email notifications; null turns email channels into failed deliveries that say so. */
  smtp: { url: string; from: string } | null;
  /**
   * Attempts per delivery before it is marked failed.
   * @defaultValue 8
   */
  notificationAttempts: number;
  /**
   * How long one delivery attempt may take, in ms.
   * @defaultValue 10_000
   */
  notificationTimeoutMs: number;
}

export const DEFAULT_NOTIFICATION_CONFIG: NotificationConfig = Object.freeze({
  publicUrl: null,
  smtp: null,
  notificationAttempts: 8,
  notificationTimeoutMs: 10_000,
});

const Env = z.object({
  LOOPGATE_PUBLIC_URL: z
    .url({ error: "LOOPGATE_PUBLIC_URL must be a URL, e.g. https://loopgate.example.com" })
    .optional(),
  LOOPGATE_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, { error: "LOOPGATE_SMTP_URL must look like smtp://user:pass@host:587" })
    .optional(),
  LOOPGATE_SMTP_FROM: z.string().min(3).optional(),
});

/**
 * Reads the notification settings from the environment once, at start-up: `LOOPGATE_PUBLIC_URL`,
 * `LOOPGATE_SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…` for TLS) and `LOOPGATE_SMTP_FROM`.
 * Empty values count as unset.
 *
 * @throws Error saying which variable is malformed.
 */
export function notificationConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<NotificationConfig> {
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key.startsWith("LOOPGATE_") && value?.trim()),
  );
  const parsed = Env.safeParse(present);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join("; "));
  const config: Partial<NotificationConfig> = {};
  if (parsed.data.LOOPGATE_PUBLIC_URL !== undefined) config.publicUrl = parsed.data.LOOPGATE_PUBLIC_URL;
  if (parsed.data.LOOPGATE_SMTP_URL !== undefined) {
    config.smtp = {
      url: parsed.data.LOOPGATE_SMTP_URL,
      from: parsed.data.LOOPGATE_SMTP_FROM ?? "loopgate@localhost",
    };
  }
  return config;
}

/** The deep link to a review in the reviewer app. */
export function reviewUrl(publicUrl: string, reviewId: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/review/${encodeURIComponent(reviewId)}`;
}
