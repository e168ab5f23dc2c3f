import { type CompiledPolicy, loadPolicy, sha256Hex } from "@loopgate/core";
import type { PolicyRow, Store } from "../store/store.ts";
import { AppError } from "./app-error.ts";

/**
 * Keeps compiled policies by version. Each version is compiled once (CEL included) and kept, because
 * a review stays bound to the version that routed it. The active version is the newest in the store.
 */
export class PolicyRegistry {
  readonly #compiled = new Map<number, CompiledPolicy>();
  #active: CompiledPolicy | null = null;

  constructor(private readonly store: Store) {}

  /** Reads the newest stored version and compiles it; call at start-up and when another replica loads a policy. */
  async refresh(): Promise<CompiledPolicy | null> {
    const row = await this.store.activePolicy();
    if (row === null) return null;
    if (this.#active?.version === row.version) return this.#active;
    this.#active = this.#compile(row);
    return this.#active;
  }

  /** The policy new proposals are routed by; refuses with 503 when none has been loaded. */
  active(): CompiledPolicy {
    if (this.#active === null) {
      throw new AppError(
        "unavailable",
        "no_policy",
        "No policy is loaded yet: start the server with --policy <file> or PUT /v1/policy as an owner",
      );
    }
    return this.#active;
  }

  activeOrNull(): CompiledPolicy | null {
    return this.#active;
  }

  /** A specific version, compiled on first use. */
  async version(version: number): Promise<CompiledPolicy> {
    const cached = this.#compiled.get(version);
    if (cached !== undefined) return cached;
    const row = await this.store.policyVersion(version);
    if (row === null) throw new Error(`policy version ${version} is missing from the store`);
    return this.#compile(row);
  }

  /** Makes a version the active one after it was committed. */
  activate(row: PolicyRow): CompiledPolicy {
    const compiled = this.#compile(row);
    if (this.#active === null || compiled.version >= this.#active.version) this.#active = compiled;
    return compiled;
  }

  #compile(row: PolicyRow): CompiledPolicy {
    const cached = this.#compiled.get(row.version);
    if (cached !== undefined) return cached;
    const result = loadPolicy(row.text, { version: row.version, stored: true });
    if (!result.ok) {
      // A stored version was valid when it was stored; failing now means the engine changed under it.
      const first = result.problems[0];
      throw new Error(
        `stored policy version ${row.version} no longer loads: ${first?.path} ${first?.message}`,
      );
    }
    this.#compiled.set(row.version, result.policy);
    return result.policy;
  }
}

/** The hash a policy text is stored under, to tell a changed file from the same one loaded again. */
export function policyTextHash(text: string): string {
  return sha256Hex(text);
}
