/**
 * The durable store: Kysely over PostgreSQL (`DATABASE_URL`) or embedded PGlite (`DATA_DIR`).
 * See docs/store.md.
 */
export { BACKEND_PROFILES, type BackendProfile, type EngineName } from './backends.ts';
export { DataDirLockedError, MigrationError } from './errors.ts';
export { type MigrationReport, type MigrationStatus, migrateToLatest, migrationStatus } from './migrate.ts';
export { MIGRATIONS } from './migrations/index.ts';
export { openStore, type Store, type StoreTarget, storeTargetFromConfig } from './open-store.ts';
export { type DisputeExport, loadDisputeExport } from './queries/dispute-export.ts';
export { type DisputeListing, listDisputes } from './queries/list-disputes.ts';
export type { Database, Db, DisputeRow, OutboxRow, OutboxStatus, TimerRow } from './schema.ts';
