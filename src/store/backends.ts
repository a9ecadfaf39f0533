import type { PostgresPool, PostgresPoolClient } from 'kysely';

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

/**
 * The marker a statement's text starts with to be sent as a named prepared statement on PostgreSQL
 * (parsed and planned once per connection, then only bound and executed). Only fixed texts carry
 * it (the hot write path), so a connection holds a handful; PGlite reads it as a comment.
 */
export const PREPARED = '/* prepared */ ';

/**
 * Wraps a node-postgres pool for Kysely (issue 15): a query whose text starts with PREPARED is sent
 * as `{ name, text, values }`, named after a hash of its text, which node-postgres prepares once per
 * connection; every other query goes unnamed as before. A named statement is re-planned by
 * PostgreSQL after a schema change; behind a pooler in transaction mode (PgBouncer before 1.21)
 * named statements do not survive, so such a deployment must not use this wrapper.
 */
export function withPreparedStatements(pool: PostgresPool, hash: (text: string) => string): PostgresPool {
  // One wrapper per client: Kysely keeps a connection per client object.
  const wrapped = new WeakMap<PostgresPoolClient, PostgresPoolClient>();
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined) {
      name = `concord_${hash(text)}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrapped.get(client);
      if (!wrapper) {
        wrapper = {
          query: ((text: unknown, values?: readonly unknown[]) =>
            typeof text === 'string' && text.startsWith(PREPARED)
              ? // node-postgres's query config; Kysely's client type names only its (text, values) form.
                (client.query as unknown as (config: object) => Promise<unknown>)({
                  name: nameOf(text),
                  text,
                  values,
                })
              : (client.query as (t: unknown, v?: readonly unknown[]) => unknown)(
                  text,
                  values,
                )) as PostgresPoolClient['query'],
          release: () => client.release(),
        };
        wrapped.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
