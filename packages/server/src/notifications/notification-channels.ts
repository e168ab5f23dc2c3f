import type { NotificationEvent } from "@loopgate/core";
import nodemailer from "nodemailer";
import { retryAfterMs } from "../execution/backoff.ts";
import { resolveSecret, webhookSignature } from "../execution/signature.ts";
import type { NotificationTarget } from "../store/notification-rows.ts";
import type { NotificationConfig } from "./notification-config.ts";
import { emailText, headline, slackMessage } from "./notification-message.ts";

/** A delivery attempt that failed; `retryAfterMs` when the receiver said when to come back (429). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

/** Sends events to their channels: signed webhooks, email over SMTP, Slack incoming webhooks. */
export class NotificationChannels {
  #mailer: nodemailer.Transporter | null = null;

  constructor(private readonly config: NotificationConfig) {}

  /** Sends one event to one target; resolves when the receiver accepted it, else throws DeliveryError. */
  async send(event: NotificationEvent, target: NotificationTarget): Promise<void> {
    switch (target.kind) {
      case "webhook":
        return this.#webhook(event, target);
      case "email":
        return this.#email(event, target.to);
      case "slack":
        return this.#post(resolved(target.url), JSON.stringify(slackMessage(event)), {});
    }
  }

  close(): void {
    this.#mailer?.close();
  }

  async #webhook(event: NotificationEvent, target: { url: string; secret: string }): Promise<void> {
    const body = JSON.stringify(event);
    // Receivers check the timestamp against their own clock, so it is the real time, not the server's
    // injectable clock.
    const timestamp = Math.floor(Date.now() / 1000);
    const secret = resolved(target.secret);
    if (!secret.startsWith("whsec_")) {
      throw new DeliveryError(`${target.secret} must hold a Standard Webhooks secret (whsec_<base64 key>)`);
    }
    const signature = webhookSignature(secret, event.id, timestamp, body);
    await this.#post(target.url, body, {
      "webhook-id": event.id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signature,
    });
  }

  async #post(url: string, body: string, headers: Record<string, string>): Promise<void> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "loopgate-notifications", ...headers },
        body,
        signal: AbortSignal.timeout(this.config.notificationTimeoutMs),
      });
      await response.body?.cancel();
    } catch (error) {
      throw new DeliveryError(`could not reach ${new URL(url).host}: ${(error as Error).message}`);
    }
    if (response.ok) return;
    throw new DeliveryError(
      `${new URL(url).host} answered ${response.status}`,
      response.status === 429 || response.status === 503
        ? retryAfterMs(response.headers.get("retry-after"), new Date())
        : null,
    );
  }

  async #email(event: NotificationEvent, to: readonly string[]): Promise<void> {
    const smtp = this.config.smtp;
    if (smtp === null) throw new DeliveryError("no SMTP server is configured: set LOOPGATE_SMTP_URL");
    this.#mailer ??= nodemailer.createTransport(smtp.url, {
      connectionTimeout: this.config.notificationTimeoutMs,
      socketTimeout: this.config.notificationTimeoutMs,
    } as nodemailer.TransportOptions);
    try {
      await this.#mailer.sendMail({
        from: smtp.from,
        to: [...to],
        subject: headline(event),
        text: emailText(event),
        // Stable across retries, so a mailbox can drop a second copy of the same event.
        messageId: `<${event.id}@loopgate>`,
        headers: {
          "X-Loopgate-Event": event.type,
          ...(event.proposal === null ? {} : { "X-Loopgate-Proposal": event.proposal.id }),
          ...(event.review === null ? {} : { "X-Loopgate-Review": event.review.id }),
        },
      });
    } catch (error) {
      throw new DeliveryError(`SMTP: ${(error as Error).message}`);
    }
  }
}

/** A value the policy names as `env:NAME` (or gives literally), read from the server's environment. */
function resolved(reference: string): string {
  const value = resolveSecret(reference, process.env);
  if (value === null) {
    throw new DeliveryError(
      `environment variable ${reference.slice("env:".length)} is not set on the server: set it and the delivery is retried`,
    );
  }
  return value.trim();
}
