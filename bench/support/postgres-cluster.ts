/**
 * Runs `fn` with the environment a benchmark server needs: nothing for the embedded store; for
 * PostgreSQL, `LOOPGATE_DATABASE_URL` as given or pointing at a throwaway cluster started for the run.
 */
export async function withBenchDatabase(
  postgres: boolean,
  fn: (env: Record<string, string | undefined>) => Promise<void>,
): Promise<void> {
  if (!postgres) return fn({ LOOPGATE_DATABASE_URL: "" });
  if (process.env.LOOPGATE_DATABASE_URL) return fn({});
  const { findPostgresBin, startPostgresCluster } = await import(
    "../../packages/server/test/support/postgres-cluster.ts"
  );
  const bin = findPostgresBin();
  if (bin === null)
    throw new Error("PostgreSQL binaries not found: install postgresql or set LOOPGATE_DATABASE_URL");
  const cluster = await startPostgresCluster(bin, { database: "loopgate_bench" });
  try {
    await fn({ LOOPGATE_DATABASE_URL: cluster.url });
  } finally {
    await cluster.stop();
  }
}
