import type { CompiledPolicy } from "@loopgate/core";
import { resolveSecret } from "./signature.ts";

/**
 * Whether Loopgate may call an executor URL. With an allowlist configured (`executorAllowlist`), its
 * host (`host` or `host:port`) must be on it; without one, the hosts the loaded policies name in their
 * executors are allowed — so a URL can only ever come from a policy an owner loaded.
 */
export function executorAllowed(
  url: string,
  allowlist: readonly string[] | undefined,
  policyHosts: () => ReadonlySet<string>,
): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
  const allowed = allowlist === undefined ? policyHosts() : new Set(allowlist.map((h) => h.toLowerCase()));
  return allowed.has(parsed.host.toLowerCase()) || allowed.has(parsed.hostname.toLowerCase());
}

/** Every host (`host:port` as in the URL) named by an executor or rollback executor of a policy. */
export function policyExecutorHosts(policy: CompiledPolicy): Set<string> {
  const hosts = new Set<string>();
  for (const settings of policy.actionTypes.values()) {
    for (const executor of [settings.execute, settings.rollback]) {
      if (executor?.url === undefined) continue;
      try {
        hosts.add(new URL(executor.url).host.toLowerCase());
      } catch {
        // the policy loader refuses such URLs; nothing to allow
      }
    }
  }
  return hosts;
}

/**
 * The webhook executors of `policy` whose secret is an `env:NAME` not set in `env`: each approved action
 * of theirs would be dead-lettered ("the executor secret … is not set"), so `serve` warns at start.
 *
 * @example
 * ```ts
 * unsetExecutorSecrets(policy, {}); // [{ actionType: "support.reply", kind: "execute", secret: "env:SUPPORT_HOOK_SECRET" }]
 * ```
 */
export function unsetExecutorSecrets(
  policy: CompiledPolicy,
  env: Readonly<Record<string, string | undefined>>,
): { actionType: string; kind: "execute" | "rollback"; secret: string }[] {
  const unset: { actionType: string; kind: "execute" | "rollback"; secret: string }[] = [];
  for (const [actionType, settings] of policy.actionTypes) {
    for (const [kind, executor] of [
      ["execute", settings.execute],
      ["rollback", settings.rollback],
    ] as const) {
      const secret = executor?.via === "webhook" ? executor.secret : undefined;
      if (secret !== undefined && secret !== null && resolveSecret(secret, env) === null)
        unset.push({ actionType, kind, secret });
    }
  }
  return unset;
}
