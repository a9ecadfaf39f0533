/**
 * Opens the store on one of its two engines. PostgreSQL when a URL is given, otherwise embedded
 * PGlite in a folder (or in memory, for tests).
 *
 * @example
 * const store = await openStore({ engine: 'pglite', dataDir: './.data' });
 * await migrateToLatest(store);
 * await store.close();
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Config } from '../config/index.ts';
import { BACKEND_PROFILES, type BackendProfile, type EngineName } from './backends.ts';
import { DataDirLockedError } from './errors.ts';
import type { Database } from './schema.ts';

export type StoreTarget =
  | {
      readonly engine: 'postgres';
      readonly url: string;
      /** Use (and create) this schema instead of `public`: tests isolate themselves this way. */
      readonly schema?: string;
      readonly poolSize?: number;
    }
  | {
      readonly engine: 'pglite';
      /** Null keeps the database in memory (tests). */
      readonly dataDir: string | null;
    };

export interface Store {
  readonly db: Kysely<Database>;
  readonly engine: EngineName;
  readonly profile: BackendProfile;
  /** The PostgreSQL schema holding the tables, when not the default. */
  readonly schema: string | null;
  close(): Promise<void>;
}

/** The store target the configuration names: DATABASE_URL, else PGlite in DATA_DIR. */
export function storeTargetFromConfig(config: Pick<Config, 'databaseUrl' | 'dataDir'>): StoreTarget {
  return config.databaseUrl
    ? { engine: 'postgres', url: config.databaseUrl }
    : { engine: 'pglite', dataDir: config.dataDir };
}

export async function openStore(target: StoreTarget): Promise<Store> {
  return target.engine === 'postgres' ? openPostgres(target) : openPglite(target.dataDir);
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

async function openPostgres(target: Extract<StoreTarget, { engine: 'postgres' }>): Promise<Store> {
  const profile = BACKEND_PROFILES.postgres;
  const schema = target.schema ?? null;
  if (schema !== null) {
    if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name "${schema}"`);
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      await client.query(`create schema if not exists ${schema}`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.poolSize ?? profile.poolSize,
    ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: 'postgres', profile, schema, close: () => db.destroy() };
}

async function openPglite(dataDir: string | null): Promise<Store> {
  const profile = BACKEND_PROFILES.pglite;
  let release = () => {};
  if (dataDir !== null) {
    mkdirSync(dataDir, { recursive: true });
    release = lockDataDir(dataDir);
  }
  try {
    const client =
      dataDir === null ? await PGlite.create() : await PGlite.create(path.join(dataDir, 'pglite'));
    const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
    return {
      db,
      engine: 'pglite',
      profile,
      schema: null,
      close: async () => {
        try {
          await db.destroy();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * Takes `DATA_DIR/concord.pid` for this process. A lock left by a dead process (a crash, a
 * SIGKILL) is taken over; a live one is refused with `DataDirLockedError`.
 */
function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, 'concord.pid');
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new DataDirLockedError(dataDir, holder);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
