/**
 * What differs between the two engines, as data. Code asks the profile instead of testing the
 * engine name, so a difference lives in one row here.
 */
export type EngineName = 'postgres' | 'pglite';

export interface BackendProfile {
  readonly engine: EngineName;
  readonly description: string;
  /** Several processes may open the database at once (two Concord instances, the CLI beside the server). */
  readonly multiProcess: boolean;
  /** Queries run one at a time on a single connection: keep transactions short and never nest a
   *  second query through the outer handle while a transaction is open (it would wait forever). */
  readonly singleConnection: boolean;
  /** The data lives in a folder this process must hold exclusively (a pid lock file guards it). */
  readonly exclusiveDataDir: boolean;
  /** Connections in the pool (1 for PGlite). */
  readonly poolSize: number;
  /** How often the scheduler and outbox worker look for due work when idle, in ms. */
  readonly pollIntervalMs: number;
  /** Rows claimed per polling round. */
  readonly claimBatch: number;
  /** Transactions the scheduler runs side by side (one per dispute), below `poolSize`. */
  readonly fireConcurrency: number;
}

export const BACKEND_PROFILES: Readonly<Record<EngineName, BackendProfile>> = {
  postgres: {
    engine: 'postgres',
    description: 'PostgreSQL via DATABASE_URL',
    multiProcess: true,
    singleConnection: false,
    exclusiveDataDir: false,
    poolSize: 10,
    pollIntervalMs: 1000,
    claimBatch: 10,
    fireConcurrency: 6,
  },
  pglite: {
    engine: 'pglite',
    description: 'embedded PGlite (PostgreSQL in WebAssembly) in DATA_DIR',
    multiProcess: false,
    singleConnection: true,
    exclusiveDataDir: true,
    poolSize: 1,
    pollIntervalMs: 500,
    claimBatch: 10,
    // One connection: side by side would only queue behind it.
    fireConcurrency: 1,
  },
};
