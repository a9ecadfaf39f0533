/** The store's failures: few classes, with readonly context. */

/** The embedded data folder is held by another live process. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the embedded database in ${dataDir} is in use by process ${pid}; PGlite allows one process at a time. ` +
        'Stop that process, or set DATABASE_URL to share a PostgreSQL database.',
    );
  }
}

/** Migrations failed or the store is behind them. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    message: string,
    readonly migration: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
