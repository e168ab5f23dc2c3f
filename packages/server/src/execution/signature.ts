import { createHmac } from "node:crypto";

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the signature is
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the bytes of a `whsec_<base64>` secret.
 *
 * @example
 * ```ts
 * webhookSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 1700000000, '{"a":1}'); // "v1,…"
 * ```
 */
export function webhookSignature(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac("sha256", secretBytes(secret)).update(`${id}.${timestamp}.${body}`).digest("base64");
  return `v1,${mac}`;
}

/** The key bytes of a `whsec_<base64>` secret; other text is used as it is (UTF-8). */
export function secretBytes(secret: string): Buffer {
  return secret.startsWith("whsec_")
    ? Buffer.from(secret.slice("whsec_".length), "base64")
    : Buffer.from(secret, "utf8");
}

/**
 * The secret an executor names: `env:NAME` reads the environment variable NAME (so the policy file
 * holds no secret); anything else is the secret itself. Null when the variable is not set.
 */
export function resolveSecret(ref: string, env: Readonly<Record<string, string | undefined>>): string | null {
  if (!ref.startsWith("env:")) return ref;
  const value = env[ref.slice("env:".length)];
  return value === undefined || value === "" ? null : value;
}
