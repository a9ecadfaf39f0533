/**
 * How one-shot tools (the `disputes`, `export` and `migrate` commands) reach the store: from the
 * configuration (DATABASE_URL, else PGlite in DATA_DIR), migrated first, or a store the caller
 * (a test) hands in, which is then left open.
 */
import { loadConfig } from '../config/index.ts';
import { type MigrationReport, migrateToLatest } from '../store/migrate.ts';
import { openStore, type Store, storeTargetFromConfig } from '../store/open-store.ts';
import { readTestClockInstant } from './clock.ts';

export interface StoreCommandDeps {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Use this store instead of the configured one (it is not closed). */
  readonly store?: Store;
}

export interface StoreSession {
  readonly store: Store;
  readonly migrations: MigrationReport;
  /** Domain now: the stored test clock under CLOCK=test, else real time. */
  now(): Promise<Date>;
}

export async function withStore<T>(
  deps: StoreCommandDeps,
  work: (session: StoreSession) => Promise<T>,
): Promise<T> {
  const config = loadConfig(deps.env);
  const store = deps.store ?? (await openStore(storeTargetFromConfig(config)));
  try {
    const migrations = await migrateToLatest(store);
    return await work({
      store,
      migrations,
      now: async () => (config.clock === 'test' ? await readTestClockInstant(store) : null) ?? new Date(),
    });
  } finally {
    if (!deps.store) await store.close();
  }
}
