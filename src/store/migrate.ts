/**
 * Applies the numbered migrations (Kysely `Migrator`, static provider). Run at start and by
 * `concord migrate`. Safe to run from several processes at once: Kysely takes a lock first.
 */
import { Migrator, sql } from 'kysely';
import { MigrationError } from './errors.ts';
import { migrationProvider } from './migrations/index.ts';
import type { Store } from './open-store.ts';

export interface MigrationReport {
  /** Migrations applied by this call, in order. */
  readonly applied: readonly string[];
  /** Every migration now recorded as applied. */
  readonly current: readonly string[];
}

function migratorFor(store: Store): Migrator {
  return new Migrator({
    db: store.db,
    provider: migrationProvider,
    ...(store.schema === null ? {} : { migrationTableSchema: store.schema }),
  });
}

/**
 * The known migrations' names, in order, when Kysely's table records exactly those (nothing to do):
 * one select, where the Migrator's own checks (table and lock set-up, introspection, its lock) took
 * about 800 ms at each start on PGlite. Null otherwise (missing, pending or unknown ones), and the
 * Migrator decides.
 */
async function allRecorded(store: Store): Promise<string[] | null> {
  const known = Object.keys(await migrationProvider.getMigrations()).sort();
  const table =
    store.schema === null ? sql.table('kysely_migration') : sql.table(`${store.schema}.kysely_migration`);
  try {
    const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(store.db);
    const recorded = new Set(rows.map((row) => row.name));
    return recorded.size === known.length && known.every((name) => recorded.has(name)) ? known : null;
  } catch {
    // No table yet (a new store).
    return null;
  }
}

/** Applies every pending migration. Throws `MigrationError` naming the one that failed. */
export async function migrateToLatest(store: Store): Promise<MigrationReport> {
  const done = await allRecorded(store);
  if (done) return { applied: [], current: done };
  const { error, results } = await migratorFor(store).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? null;
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`migration ${failed ?? '(setup)'} failed: ${reason}`, failed, { cause: error });
  }
  const status = await migrationStatus(store);
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    current: status.applied,
  };
}

export interface MigrationStatus {
  readonly applied: readonly string[];
  readonly pending: readonly string[];
}

/** Which migrations are applied and which are pending. Throws when the store is unreachable. */
export async function migrationStatus(store: Store): Promise<MigrationStatus> {
  const done = await allRecorded(store);
  if (done) return { applied: done, pending: [] };
  const migrations = await migratorFor(store).getMigrations();
  return {
    applied: migrations.filter((m) => m.executedAt !== undefined).map((m) => m.name),
    pending: migrations.filter((m) => m.executedAt === undefined).map((m) => m.name),
  };
}
