/**
 * The engines every store test runs on: PGlite always, PostgreSQL when DATABASE_URL is set. Each
 * PostgreSQL store gets a fresh schema, dropped when the test file is done.
 *
 * @example
 * for (const engine of ENGINES) describe(engine.name, () => { … await engine.open() … });
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { openStore, type Store, type StoreTarget } from '../../src/store/open-store.ts';

export interface TestEngine {
  readonly name: 'pglite' | 'postgres';
  /** A new, migrated, empty store. */
  open(options?: { migrate?: boolean }): Promise<Store>;
  /** A target for another process (or a second pool) on the same database as `store`. */
  targetOf(store: Store): StoreTarget;
}

const DATABASE_URL = process.env.DATABASE_URL?.trim() || undefined;

export function freshSchemaName(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

const pgliteEngine: TestEngine = {
  name: 'pglite',
  async open(options = {}) {
    const store = await openStore({ engine: 'pglite', dataDir: null });
    if (options.migrate !== false) await migrateToLatest(store);
    return store;
  },
  targetOf() {
    throw new Error('an in-memory PGlite cannot be shared');
  },
};

function postgresEngine(url: string): TestEngine {
  return {
    name: 'postgres',
    async open(options = {}) {
      const schema = freshSchemaName();
      const store = await openStore({ engine: 'postgres', url, schema });
      if (options.migrate !== false) await migrateToLatest(store);
      const close = store.close;
      return {
        ...store,
        close: async () => {
          await close();
          await dropSchema(url, schema);
        },
      };
    },
    targetOf(store) {
      return { engine: 'postgres', url, schema: store.schema ?? 'public' };
    },
  };
}

export const ENGINES: readonly TestEngine[] = DATABASE_URL
  ? [pgliteEngine, postgresEngine(DATABASE_URL)]
  : [pgliteEngine];
export const POSTGRES: TestEngine | undefined = DATABASE_URL ? postgresEngine(DATABASE_URL) : undefined;
export { DATABASE_URL };
