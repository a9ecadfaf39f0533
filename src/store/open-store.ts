/**
 * Opens the store on one of its two engines. PostgreSQL when a URL is given, otherwise embedded
 * PGlite in a folder (or in memory, for tests).
 *
 * @example
 * const store = await openStore({ engine: 'pglite', dataDir: './.data' });
 * await migrateToLatest(store);
 * await store.close();
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config/index.ts';
import {
  BACKEND_PROFILES,
  type BackendProfile,
  type EngineName,
  withPreparedStatements,
} from './backends.ts';
import { DataDirLockedError } from './errors.ts';
import { PgliteDialect } from './pglite-dialect.ts';
import type { Database } from './schema.ts';

export type StoreTarget =
  | {
      readonly engine: 'postgres';
      readonly url: string;
      /** Use (and create) this schema instead of `public`: tests isolate themselves this way. */
      readonly schema?: string;
      readonly poolSize?: number;
      /** Named prepared statements for the hot write path (default true); false behind a pooler that drops them. */
      readonly preparedStatements?: boolean;
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
export function storeTargetFromConfig(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePreparedStatements'>,
): StoreTarget {
  return config.databaseUrl
    ? {
        engine: 'postgres',
        url: config.databaseUrl,
        ...(config.databasePreparedStatements === false ? { preparedStatements: false } : {}),
      }
    : { engine: 'pglite', dataDir: config.dataDir };
}

export async function openStore(target: StoreTarget): Promise<Store> {
  return target.engine === 'postgres' ? openPostgres(target) : openPglite(target.dataDir);
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** First key of the advisory lock taken around `create schema` (the second is the schema's hash). */
const SCHEMA_LOCK = 0x0c0c0d;

async function openPostgres(target: Extract<StoreTarget, { engine: 'postgres' }>): Promise<Store> {
  const profile = BACKEND_PROFILES.postgres;
  const schema = target.schema ?? null;
  if (schema !== null) {
    if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name "${schema}"`);
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      // `create schema if not exists` is not safe against itself: two instances opening at the same
      // moment can both find it missing, and the second insert into pg_namespace fails with a unique
      // violation. A transaction-scoped advisory lock makes the second wait and then find it there.
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock($1, hashtext($2))', [SCHEMA_LOCK, schema]);
      await client.query(`create schema if not exists ${schema}`);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
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
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool:
        target.preparedStatements === false
          ? pool
          : withPreparedStatements(pool, (text) =>
              createHash('sha1').update(text).digest('hex').slice(0, 20),
            ),
    }),
  });
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
    const client = await createPglite(dataDir === null ? null : path.join(dataDir, 'pglite'));
    const db = new Kysely<Database>({ dialect: new PgliteDialect(client) });
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
 * A new PGlite database needs PostgreSQL's initdb (in WebAssembly): 15-25 s on a busy 2-core machine,
 * and run in this process its memory stays with the process for good (about 880 MiB after opening a
 * fresh folder against 350 MiB after opening an existing one; issue 15). So:
 * - initdb runs once per machine and PGlite version, in a short-lived child process, which keeps the
 *   pristine cluster as a tarball (PGlite's documented `dumpDataDir`) in the temporary folder;
 * - a fresh data folder is filled from that tarball (`loadDataDir`), in the child too, and this process
 *   then opens it like any existing folder; an in-memory database (tests) loads the tarball here.
 * If the tarball cannot be written, the child creates the folder with initdb directly.
 */
const PRISTINE_SCRIPT = `
const [entry, cache, folder] = process.argv.slice(1);
const fs = await import('node:fs');
const { PGlite } = await import(entry);
let tar;
try { tar = fs.readFileSync(cache); } catch {}
if (!tar) {
  const scratch = fs.mkdtempSync(cache + '-initdb-');
  try {
    const db = await PGlite.create(scratch);
    tar = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    await db.close();
  } finally { fs.rmSync(scratch, { recursive: true, force: true }); }
  try { fs.writeFileSync(cache + '.' + process.pid, tar); fs.renameSync(cache + '.' + process.pid, cache); } catch {}
}
if (folder) { const db = await PGlite.create(folder, { loadDataDir: new Blob([tar]) }); await db.close(); }
`;

function pgliteEntry(): string {
  return import.meta.resolve('@electric-sql/pglite');
}

/** Where this machine's pristine cluster for the installed PGlite version is kept. */
function pristinePath(): string {
  const entry = fileURLToPath(pgliteEntry());
  let version = 'unknown';
  try {
    const pkg = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8'));
    version = String(pkg.version);
  } catch {}
  return path.join(tmpdir(), `concord-pglite-${version}-pristine.tar`);
}

/** Runs the child: makes the pristine tarball if missing, and fills `folder` from it when given. */
async function runPristine(cache: string, folder: string | null): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', PRISTINE_SCRIPT, pgliteEntry(), cache, folder ?? ''],
    { timeout: 5 * 60_000 },
  );
}

/**
 * PGlite's start parameters: its defaults, with 16 MB of shared buffers instead of PostgreSQL's
 * 128 MB. PGlite's WebAssembly memory holds them, so they were most of its resident memory: opening
 * a migrated folder took 363 MiB of RSS with 128 MB and 248 MiB with 16 MB (issue 15). Concord's
 * working set is small; a page not in them is read from the folder (the OS's cache) when needed.
 * The WAL kept between checkpoints at 32-64 MB instead of 80 MB-1 GB: the server checkpoints PGlite
 * itself (`checkpointWhereDue`), and a checkpoint keeps min_wal_size of WAL for reuse. And ANALYZE's
 * sample at 3,000 rows a table instead of 30,000 (default_statistics_target 10, not 100): PGlite's
 * memory never shrinks, and a whole-store `VACUUM (ANALYZE)` on 20,000 disputes left the process
 * about 50 MiB larger with 100 and 12 MiB with 10 (the server vacuums PGlite itself, `vacuumWhereDue`).
 * Concord's queries filter on a few plain columns, for which 10 buckets are plenty.
 * Passed at every start (PGlite's `postgresqlconf` would overwrite the folder's postgresql.conf).
 */
export const PGLITE_START_OPTIONS = {
  startParams: [
    ...PGlite.defaultStartParams,
    '-c',
    'shared_buffers=16MB',
    '-c',
    'min_wal_size=32MB',
    '-c',
    'max_wal_size=64MB',
    '-c',
    'default_statistics_target=10',
  ],
};

/** PGlite's compiled WebAssembly, as PGlite would compile it itself. */
type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;
interface PgliteArtifacts {
  readonly pgliteWasmModule: WasmModule;
}
let artifacts: Promise<PgliteArtifacts | null> | null = null;

export interface PgliteCompileOptions {
  /**
   * false: V8 runs PGlite's PostgreSQL on its baseline WebAssembly compiler (Liftoff) alone, and
   * never recompiles its hot functions with the optimising one (TurboFan). The server's default
   * (`PGLITE_OPTIMISING_COMPILER=off`): PostgreSQL's largest functions took TurboFan up to 48 MB of
   * compiler memory each, and the process kept about 80 MiB more resident after start-up (283-293
   * against 206 MiB, `npm run serve` on 1,000 disputes) and 50-85 MiB more a minute later. Turns
   * and webhooks measured the same either way; a past period's report over 10,000 disputes took
   * 2.6-3.5 s against 2.3 s. It holds for the whole process, so only a server's entry sets it, first.
   * Unset (tests, the CLI): V8's defaults.
   */
  readonly optimisingCompiler?: boolean;
}

/**
 * Starts reading and compiling PGlite's WebAssembly (10 MB) now, once per process. V8 compiles
 * it on background threads, so calling this before loading the rest of the program overlaps the two
 * (`npm run serve`, issue 15); every PGlite this process opens then reuses the compiled module
 * (tests open many in-memory ones). A failure here only means PGlite loads them itself.
 */
export function preparePglite(options: PgliteCompileOptions = {}): Promise<PgliteArtifacts | null> {
  // V8 reads the flag as it compiles and tiers up; set before the first compile, it holds for all.
  if (artifacts === null && options.optimisingCompiler === false) setFlagsFromString('--liftoff-only');
  artifacts ??= (async () => {
    const wasm = await readFile(new URL('pglite.wasm', pgliteEntry()));
    return { pgliteWasmModule: await wasmCompiler().compile(wasm) };
  })().catch(() => null);
  return artifacts;
}

/** The global WebAssembly object (the project's TypeScript libraries declare its types only). */
function wasmCompiler(): { compile(bytes: Uint8Array): Promise<WasmModule> } {
  return (globalThis as unknown as { WebAssembly: ReturnType<typeof wasmCompiler> }).WebAssembly;
}

async function createPglite(folder: string | null): Promise<PGlite> {
  // The compile runs on V8's background threads while a fresh folder is filled by the child below.
  const prepared = preparePglite();
  const options = async () => ({ ...PGLITE_START_OPTIONS, ...((await prepared) ?? {}) });
  const cache = pristinePath();
  if (folder !== null) {
    if (!existsSync(path.join(folder, 'PG_VERSION'))) {
      // A tarball this PGlite cannot load (it should not happen: the name carries the version) is
      // dropped, and the child makes a new one.
      await runPristine(cache, folder).catch(async () => {
        rmSync(cache, { force: true });
        rmSync(folder, { recursive: true, force: true });
        await runPristine(cache, folder);
      });
    }
    return PGlite.create(folder, await options());
  }
  if (!existsSync(cache)) await runPristine(cache, null).catch(() => {});
  try {
    return await PGlite.create({ ...(await options()), loadDataDir: new Blob([readFileSync(cache)]) });
  } catch {
    return PGlite.create(await options());
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
