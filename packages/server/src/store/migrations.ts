import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** One numbered SQL migration, e.g. `0001_init.sql` → version 1. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export type Dialect = "sqlite" | "postgres";

const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;

/**
 * The migrations of one dialect in version order, read from `migrations/` (SQLite) or
 * `migrations/pg/` (PostgreSQL) next to this file.
 */
export function loadMigrations(dialect: Dialect): Migration[] {
  const dir = new URL(dialect === "sqlite" ? "./migrations/" : "./migrations/pg/", import.meta.url);
  const migrations: Migration[] = [];
  for (const file of readdirSync(fileURLToPath(dir)).sort()) {
    const match = MIGRATION_FILE.exec(file);
    if (!match?.[1]) continue;
    migrations.push({
      version: Number(match[1]),
      name: file,
      sql: readFileSync(fileURLToPath(new URL(file, dir)), "utf8"),
    });
  }
  const versions = migrations.map((m) => m.version);
  if (new Set(versions).size !== versions.length) {
    throw new Error(`duplicate migration numbers in ${fileURLToPath(dir)}`);
  }
  return migrations;
}

export const SCHEMA_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;
