import { createHash, randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateSigningKey } from "@loopgate/core";

/** The Ed25519 key that signs audit checkpoints. `secretKey` is the 32-byte seed. */
export interface SigningKey {
  /** First 16 hex characters of SHA-256 over the raw public key: names the key in every checkpoint. */
  keyId: string;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** Where the embedded deployment keeps its signing key, inside the data directory. */
export const SIGNING_KEY_FILE = "audit-signing-key.json";

/** The environment variable holding the base64 secret for deployments without a shared data directory. */
export const SIGNING_KEY_ENV = "LOOPGATE_AUDIT_SIGNING_KEY";

/**
 * The audit signing key: from `LOOPGATE_AUDIT_SIGNING_KEY` (base64 of the 32-byte secret) when set, as
 * PostgreSQL deployments with several replicas must share one key; otherwise from
 * `<dataDir>/audit-signing-key.json` (`{ keyId, secretKey }`, mode 0600), created on first use.
 *
 * Two processes starting at once agree on one key: the file is written aside and linked into place,
 * which fails for the loser, who then reads the winner's key.
 */
export async function loadOrCreateSigningKey(
  dataDir: string,
  options: { env?: Record<string, string | undefined> } = {},
): Promise<SigningKey> {
  const fromEnv = (options.env ?? process.env)[SIGNING_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== "")
    return signingKeyFromSecret(decodeSecret(fromEnv, SIGNING_KEY_ENV));

  const path = join(dataDir, SIGNING_KEY_FILE);
  const existing = await readSigningKeyFile(path);
  if (existing !== null) return existing;

  await mkdir(dataDir, { recursive: true });
  const key = signingKeyFromSecret(randomBytes(32));
  const temp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const body = `${JSON.stringify({ keyId: key.keyId, secretKey: Buffer.from(key.secretKey).toString("base64") })}\n`;
  await writeFile(temp, body, { mode: 0o600, flush: true });
  try {
    await link(temp, path);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const winner = await readSigningKeyFile(path);
    if (winner === null) throw error;
    return winner;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/**
 * The full key from its 32-byte secret (the Ed25519 seed): the public key derived again, and the key id
 * computed from it, so an id can never name a different key.
 */
export function signingKeyFromSecret(secretKey: Uint8Array): SigningKey {
  const { publicKey } = generateSigningKey(secretKey);
  const keyId = createHash("sha256").update(publicKey).digest("hex").slice(0, 16);
  return { keyId, secretKey: Uint8Array.from(secretKey), publicKey };
}

async function readSigningKeyFile(path: string): Promise<SigningKey | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON; restore it from a backup (it signs audit checkpoints)`);
  }
  const secret = (parsed as { secretKey?: unknown } | null)?.secretKey;
  if (typeof secret !== "string") throw new Error(`${path} has no "secretKey"; restore it from a backup`);
  const key = signingKeyFromSecret(decodeSecret(secret, path));
  // The id the key was published under wins: checkpoints already out there name it.
  const keyId = (parsed as { keyId?: unknown }).keyId;
  return typeof keyId === "string" && keyId !== "" ? { ...key, keyId } : key;
}

function decodeSecret(base64: string, where: string): Uint8Array {
  const bytes = Buffer.from(base64.trim(), "base64");
  if (bytes.length !== 32) throw new Error(`${where}: expected the base64 of a 32-byte Ed25519 secret key`);
  return new Uint8Array(bytes);
}
