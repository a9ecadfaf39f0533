/**
 * Applies the numbered migrations (Kysely `Migrator`, static provider). Run at start and by
 * `concord migrate`. Safe to run from several processes at once: Kysely takes a lock first.
 */
import { Migrator } from 'kysely';
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

/** Applies every pending migration. Throws `MigrationError` naming the one that failed. */
export async function migrateToLatest(store: Store): Promise<MigrationReport> {
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
  const migrations = await migratorFor(store).getMigrations();
  return {
    applied: migrations.filter((m) => m.executedAt !== undefined).map((m) => m.name),
    pending: migrations.filter((m) => m.executedAt === undefined).map((m) => m.name),
  };
}
