import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { AppError } from "./app-error.ts";

/**
 * scrypt work factors. N = 2^15, r = 8 uses 32 MiB and about 50–100 ms a hash on a laptop core: slow
 * enough that a stolen table cannot be searched cheaply, fast enough for a sign-in. They are stored
 * with every hash, so raising them later leaves existing passwords valid.
 */
export const SCRYPT_PARAMS = Object.freeze({ N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 });

/** The shortest password accepted; long passphrases beat clever rules. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

function derive(password: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  // maxmem must exceed 128·N·r, or node refuses the parameters it was given.
  const maxmem = 256 * params.N * params.r;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, keyLength, { ...params, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** Why a password cannot be used, or null when it can. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `use at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `use at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}

/**
 * The stored form of a password: `scrypt$<N>$<r>$<p>$<salt>$<key>` (salt and key in base64url), a
 * fresh random salt each time.
 *
 * @example
 * ```ts
 * const stored = await hashPassword("correct horse battery"); // "scrypt$32768$8$1$…$…"
 * await verifyPassword("correct horse battery", stored); // true
 * ```
 * @throws AppError `invalid_input` when the password is too short or too long.
 */
export async function hashPassword(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem !== null) throw new AppError("invalid_input", "weak_password", `Password: ${problem}`);
  const { N, r, p, keyLength, saltLength } = SCRYPT_PARAMS;
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, { N, r, p }, keyLength);
  return ["scrypt", N, r, p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

const STORED = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/;

/**
 * Whether `password` matches a hash from {@link hashPassword}, compared in constant time. A hash in
 * another form, or with parameters beyond sane bounds, never matches.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = STORED.exec(stored);
  if (match === null || password.length > MAX_PASSWORD_LENGTH) return false;
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(match[4]!, "base64url");
  const expected = Buffer.from(match[5]!, "base64url");
  if (expected.length < 16) return false;
  const actual = await derive(password, salt, { N, r, p }, expected.length);
  return timingSafeEqual(actual, expected);
}

/** A fixed hash to check unknown names against, so a wrong name takes as long as a wrong password. */
let decoy: Promise<string> | null = null;
export function decoyPasswordHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(24).toString("base64url"));
  return decoy;
}
