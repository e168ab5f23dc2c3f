import type { TestProject } from "vitest/node";
import { findPostgresBin, startPostgresCluster } from "./postgres-cluster.ts";

/**
 * Vitest global setup: a real PostgreSQL for the store contract suite and the HTTP tests.
 *
 * With `LOOPGATE_TEST_DATABASE_URL` set, that database is used as is. Otherwise a throwaway cluster
 * is created with the local PostgreSQL binaries (`initdb`, `pg_ctl`) in a temporary directory, on a
 * free loopback port, and removed at the end. Without binaries the PostgreSQL half of the suite is
 * skipped with a warning, except under CI (`CI` set), where the run fails: CI must test both engines.
 *
 * The URL reaches the tests through `inject("loopgateDatabaseUrl")` (null when skipped); each test
 * store then works in a schema of its own, so test files can run in parallel.
 */

declare module "vitest" {
  export interface ProvidedContext {
    /** The PostgreSQL database tests may create schemas in, or null when PostgreSQL is unavailable. */
    loopgateDatabaseUrl: string | null;
  }
}

const DATABASE = "loopgate_test";

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.LOOPGATE_TEST_DATABASE_URL;
  if (given !== undefined && given !== "") {
    project.provide("loopgateDatabaseUrl", given);
    return undefined;
  }

  const bin = findPostgresBin();
  if (bin === null) {
    const message =
      "PostgreSQL binaries (initdb, pg_ctl) not found; install postgresql or set LOOPGATE_TEST_DATABASE_URL";
    if (process.env.CI) throw new Error(`${message}. CI must run the store suite on both engines.`);
    console.warn(`\n⚠ ${message}. Skipping the PostgreSQL half of the store tests.\n`);
    project.provide("loopgateDatabaseUrl", null);
    return undefined;
  }

  const cluster = await startPostgresCluster(bin, { database: DATABASE });
  project.provide("loopgateDatabaseUrl", cluster.url);
  process.env.LOOPGATE_TEST_DATABASE_URL = cluster.url;
  return cluster.stop;
}
