/**
 * Kysely on PGlite, each statement in one call into PGlite's WebAssembly (issue 15).
 *
 * PGlite's own `query()` runs the extended protocol one message at a time: Parse, Describe, Bind,
 * Describe, Execute and Sync are six separate passes through its PostgreSQL main loop, about 0.3 ms
 * for a small indexed read on this 2-core machine. Here a statement with parameters is parsed once,
 * under a name (PostgreSQL's named prepared statement, as node-postgres does on the PostgreSQL
 * engine), and each run after that is one pass: Bind, Describe, Execute, Sync together, about
 * 0.19 ms for the same read. Values are serialised by PGlite's own serialisers for the parameter
 * types PostgreSQL reported when the statement was parsed, and rows parsed by its own parsers, so a
 * statement gives the same rows as through `query()`.
 *
 * A statement without parameters (`begin`, `commit`, DDL) goes as one simple query, as node-postgres
 * sends it on PostgreSQL. The named statements are bounded (an LRU of `MAX_PREPARED`); an evicted one
 * is closed at the start of the next call. PostgreSQL re-plans a named statement after a schema
 * change; the one case it refuses ("cached plan must not change result type"), and a statement
 * someone deallocated, drop the statement and, outside a transaction, parse it again once.
 *
 * @example
 * const db = new Kysely<Database>({ dialect: new PgliteDialect(await PGlite.create()) });
 */
import { type messages, type PGlite, parse, protocol, types } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { LRUCache } from 'lru-cache';

/** Named statements kept parsed at once. Concord's fixed texts number well under a hundred. */
export const MAX_PREPARED = 200;

const { serialize } = protocol;

interface Prepared {
  readonly name: string;
  /** Parameter type oids, as PostgreSQL inferred them at Parse. */
  readonly paramTypes: readonly number[];
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * A named statement that cannot be used as parsed: PostgreSQL refuses a plan whose result columns
 * changed (SQLSTATE 0A000), or the statement is gone (26000, after a `DEALLOCATE` or `DISCARD ALL`).
 */
function isStaleStatement(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (e?.code === '26000') return true;
  return e?.code === '0A000' && typeof e.message === 'string' && e.message.includes('cached plan');
}

/**
 * The rows of the last statement in `messages`, each value parsed by PGlite's parser for its type,
 * and the rows all of them touched. What PGlite's `parseResults` gives, without its copy of every
 * parser on each call (a tenth of a millisecond a statement, the largest of PGlite's own costs in a
 * "my disputes" turn).
 */
function rowsOf(
  received: readonly messages.BackendMessage[],
  parsers: PGlite['parsers'],
): { rows: Record<string, unknown>[]; affectedRows: number } {
  let fields: readonly { readonly name: string; readonly dataTypeID: number }[] = [];
  let rows: Record<string, unknown>[] = [];
  let last: Record<string, unknown>[] = [];
  let affectedRows = 0;
  for (const message of received) {
    if (message.name === 'rowDescription') fields = (message as messages.RowDescriptionMessage).fields;
    else if (message.name === 'dataRow') {
      const values = (message as messages.DataRowMessage).fields;
      const row: Record<string, unknown> = {};
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i] as (typeof fields)[number];
        row[field.name] = types.parseType(values[i] ?? null, field.dataTypeID, parsers);
      }
      rows.push(row);
    } else if (message.name === 'commandComplete') {
      affectedRows += affectedBy((message as messages.CommandCompleteMessage).text);
      last = rows;
      rows = [];
      fields = [];
    }
  }
  return { rows: last, affectedRows };
}

/** The rows a command tag says were touched ("INSERT 0 3", "UPDATE 2"; others none). */
function affectedBy(tag: string): number {
  const words = tag.split(' ');
  switch (words[0]) {
    case 'INSERT':
      return Number.parseInt(words[2] ?? '0', 10) || 0;
    case 'UPDATE':
    case 'DELETE':
    case 'COPY':
    case 'MERGE':
      return Number.parseInt(words[1] ?? '0', 10) || 0;
    default:
      return 0;
  }
}

/** The statements parsed in one PGlite's session, and the calls that use them. */
export class PgliteStatements {
  #sequence = 0;
  /** Close messages for evicted statements, sent with the next call. */
  #closes: Uint8Array[] = [];
  readonly #prepared: LRUCache<string, Prepared>;

  constructor(
    private readonly client: PGlite,
    max = MAX_PREPARED,
  ) {
    this.#prepared = new LRUCache<string, Prepared>({
      max,
      dispose: (statement) => this.#closes.push(serialize.close({ type: 'S', name: statement.name })),
    });
  }

  /** How many named statements are parsed now (for tests). */
  get size(): number {
    return this.#prepared.size;
  }

  /** Runs one statement; the rows and affected-row count as Kysely wants them. */
  async run<R>(text: string, values: readonly unknown[]): Promise<QueryResult<R>> {
    return this.client.runExclusive(async () => {
      try {
        return await this.#runOnce<R>(text, values);
      } catch (error) {
        if (!isStaleStatement(error)) throw error;
        this.#prepared.delete(text);
        if (this.client.isInTransaction()) throw error;
        return await this.#runOnce<R>(text, values);
      }
    });
  }

  async #runOnce<R>(text: string, values: readonly unknown[]): Promise<QueryResult<R>> {
    const client = this.client;
    let messages: Awaited<ReturnType<PGlite['execProtocolStream']>>;
    if (values.length === 0) {
      messages = await client.execProtocolStream(concat([...this.#takeCloses(), serialize.query(text)]), {
        syncToFs: false,
      });
    } else {
      const statement = this.#prepared.get(text) ?? (await this.#prepare(text));
      const bound = values.map((value, i) => {
        if (value === null || value === undefined) return null;
        const type = statement.paramTypes[i];
        const serializer = type === undefined ? undefined : client.serializers[type];
        return serializer ? serializer(value) : String(value);
      });
      messages = await client.execProtocolStream(
        concat([
          ...this.#takeCloses(),
          serialize.bind({ statement: statement.name, values: bound }),
          serialize.describe({ type: 'P' }),
          serialize.execute({}),
          serialize.sync(),
        ]),
        { syncToFs: false },
      );
    }
    await client.syncToFs();
    const { rows, affectedRows } = rowsOf(messages, client.parsers);
    return affectedRows > 0
      ? { rows: rows as R[], numAffectedRows: BigInt(affectedRows) }
      : { rows: rows as R[] };
  }

  async #prepare(text: string): Promise<Prepared> {
    this.#sequence += 1;
    const name = `concord_${this.#sequence}`;
    const messages = await this.client.execProtocolStream(
      concat([
        ...this.#takeCloses(),
        serialize.parse({ name, text }),
        serialize.describe({ type: 'S', name }),
        serialize.sync(),
      ]),
      { syncToFs: false },
    );
    const statement: Prepared = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    this.#prepared.set(text, statement);
    return statement;
  }

  #takeCloses(): Uint8Array[] {
    if (this.#closes.length === 0) return [];
    const closes = this.#closes;
    this.#closes = [];
    return closes;
  }
}

class PgliteConnection implements DatabaseConnection {
  constructor(private readonly statements: PgliteStatements) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return this.statements.run<R>(compiledQuery.sql, compiledQuery.parameters);
  }

  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize = 100,
  ): AsyncIterableIterator<QueryResult<R>> {
    if (!Number.isInteger(chunkSize) || chunkSize <= 0)
      throw new Error('chunkSize must be a positive integer');
    const { rows } = await this.executeQuery<R>(compiledQuery);
    for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) };
  }
}

/** One connection (PGlite has one session), lent to one Kysely user at a time. */
class PgliteDriver implements Driver {
  readonly #connection: PgliteConnection;
  #busy = false;
  readonly #waiting: ((connection: PgliteConnection) => void)[] = [];

  constructor(private readonly client: PGlite) {
    this.#connection = new PgliteConnection(new PgliteStatements(client));
  }

  async init(): Promise<void> {}

  acquireConnection(): Promise<DatabaseConnection> {
    if (!this.#busy) {
      this.#busy = true;
      return Promise.resolve(this.#connection);
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async releaseConnection(): Promise<void> {
    const next = this.#waiting.shift();
    if (next) next(this.#connection);
    else this.#busy = false;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const sql = settings.isolationLevel
      ? `start transaction isolation level ${settings.isolationLevel}`
      : 'begin';
    await connection.executeQuery(CompiledQuery.raw(sql));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async destroy(): Promise<void> {
    if (!this.client.closed) await this.client.close();
  }
}

/** Kysely's dialect for PGlite: PostgreSQL's SQL, one pass into PGlite per statement. */
export class PgliteDialect implements Dialect {
  constructor(private readonly client: PGlite) {}

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PgliteDriver(this.client);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}
