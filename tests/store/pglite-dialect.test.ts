/**
 * The PGlite dialect (src/store/pglite-dialect.ts): a statement parsed once and run in one pass must
 * give what PGlite's own `query()` gives, and what PostgreSQL gives, for every kind of value the
 * store keeps; failures must leave the session usable; the named statements must stay bounded.
 */
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteDialect, PgliteStatements } from '../../src/store/pglite-dialect.ts';
import { dropSchema, freshSchemaName } from './engines.ts';

const DATABASE_URL = process.env.DATABASE_URL?.trim() || undefined;

interface SampleDatabase {
  sample: {
    id: string;
    people: string[];
    state: string;
    at: Date;
    version: string;
    open: boolean;
    note: string | null;
  };
}

const TABLE = `create table sample (
  id text primary key,
  people text[] not null,
  state jsonb not null,
  at timestamptz not null,
  version bigint not null,
  open boolean not null,
  note text
)`;

/** One row of every kind the store writes, with an awkward text. */
const ROWS: [SampleDatabase['sample'], SampleDatabase['sample']] = [
  {
    id: 'd-1',
    people: ['tm-gateshead', 'sm "quoted", with comma'],
    state: JSON.stringify({ caseReference: 'GH/0001', summary: '<b>not html</b> & ‘quotes’', n: 1.5 }),
    at: new Date('2026-12-04T09:30:00.123Z'),
    version: '9007199254740993',
    open: true,
    note: null,
  },
  {
    id: 'd-2',
    people: ['tm-gateshead'],
    state: JSON.stringify({ caseReference: 'GH/0002', nested: { list: [1, 'two', null] } }),
    at: new Date('2027-03-28T00:59:59Z'),
    version: '2',
    open: false,
    note: 'Team Manager, Gateshead',
  },
];

const READ = (db: Kysely<SampleDatabase>) =>
  sql<Record<string, unknown>>`select id, people, state, at, version, open, note,
      state->>'caseReference' as "caseReference"
    from sample where people @> ${sql.val(['tm-gateshead'])}::text[] order by id`.execute(db);

describe('PGlite dialect', () => {
  let client: PGlite;
  let db: Kysely<SampleDatabase>;
  beforeAll(async () => {
    client = await PGlite.create();
    db = new Kysely<SampleDatabase>({ dialect: new PgliteDialect(client) });
    await sql.raw(TABLE).execute(db);
    for (const row of ROWS) await db.insertInto('sample').values(row).execute();
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it("gives the rows PGlite's own query() gives, for every kind of value", async () => {
    const ours = await READ(db);
    const theirs = await client.query(
      `select id, people, state, at, version, open, note, state->>'caseReference' as "caseReference"
        from sample where people @> $1::text[] order by id`,
      [['tm-gateshead']],
    );
    expect(ours.rows).toEqual(theirs.rows);
    expect(ours.rows[0]).toMatchObject({
      people: ['tm-gateshead', 'sm "quoted", with comma'],
      at: new Date('2026-12-04T09:30:00.123Z'),
      open: true,
      note: null,
      caseReference: 'GH/0001',
    });
    // A second run goes through the statement parsed by the first, with other values.
    const again = await sql<{ id: string }>`select id from sample where people @> ${sql.val([
      'sm "quoted", with comma',
    ])}::text[]`.execute(db);
    expect(again.rows).toEqual([{ id: 'd-1' }]);
  });

  it('counts the rows an update touched, and none when it touched none', async () => {
    const noteOn = (id: string) =>
      db.updateTable('sample').set({ note: 'x' }).where('id', '=', id).executeTakeFirst();
    expect((await noteOn('d-2')).numUpdatedRows).toBe(1n);
    expect((await noteOn('nobody')).numUpdatedRows).toBe(0n);
  });

  it('throws the database error, with its code, and the session goes on', async () => {
    const duplicate = db
      .insertInto('sample')
      .values({ ...ROWS[0], id: 'd-1' })
      .execute();
    await expect(duplicate).rejects.toMatchObject({ code: '23505' });
    const syntax = sql`select from from sample where id = ${'d-1'}`.execute(db);
    await expect(syntax).rejects.toMatchObject({ code: '42601' });
    expect((await READ(db)).rows).toHaveLength(2);
  });

  it('rolls a failed transaction back whole', async () => {
    const attempt = db.transaction().execute(async (tx) => {
      await tx.updateTable('sample').set({ note: 'half-written' }).where('id', '=', 'd-1').execute();
      await tx
        .insertInto('sample')
        .values({ ...ROWS[1], id: 'd-2' })
        .execute();
    });
    await expect(attempt).rejects.toMatchObject({ code: '23505' });
    const row = await db
      .selectFrom('sample')
      .select('note')
      .where('id', '=', 'd-1')
      .executeTakeFirstOrThrow();
    expect(row.note).toBeNull();
    expect(client.isInTransaction()).toBe(false);
  });

  it('parses a statement again when a schema change altered its result', async () => {
    const star = () => sql<Record<string, unknown>>`select * from sample where id = ${'d-2'}`.execute(db);
    expect(Object.keys((await star()).rows[0] ?? {})).not.toContain('added');
    await sql`alter table sample add column added text default 'yes'`.execute(db);
    expect((await star()).rows[0]).toMatchObject({ id: 'd-2', added: 'yes' });
  });

  it('parses a statement again when it was deallocated', async () => {
    const read = () => sql<{ id: string }>`select id from sample where id = ${'d-1'}`.execute(db);
    expect((await read()).rows).toEqual([{ id: 'd-1' }]);
    await sql`deallocate all`.execute(db);
    expect((await read()).rows).toEqual([{ id: 'd-1' }]);
  });

  it('keeps a bounded number of statements parsed, closing the ones it drops', async () => {
    const own = await PGlite.create();
    try {
      const statements = new PgliteStatements(own, 3);
      for (let i = 0; i < 8; i++) await statements.run(`select $1::int + ${i} as n`, [i]);
      expect(statements.size).toBe(3);
      const { rows } = await statements.run<{ n: number }>(
        'select count(*)::int as n from pg_prepared_statements where name like $1',
        ['concord_%'],
      );
      // Three: two of the eight, and the count itself (its parse dropped the third, closed before it ran).
      expect(rows[0]?.n).toBe(3);
      const again = await statements.run<{ n: number }>('select $1::int + 7 as n', [1]);
      expect(again.rows).toEqual([{ n: 8 }]);
    } finally {
      await own.close();
    }
  });

  it('runs a statement without parameters as one simple query, as node-postgres does', async () => {
    const { rows } = await sql<{ n: number }>`select 1 as n`.execute(db);
    expect(rows).toEqual([{ n: 1 }]);
  });
});

describe.runIf(DATABASE_URL)('PGlite dialect beside PostgreSQL', () => {
  const schema = freshSchemaName();
  let client: PGlite;
  let lite: Kysely<SampleDatabase>;
  let postgres: Kysely<SampleDatabase>;
  beforeAll(async () => {
    const { PostgresDialect } = await import('kysely');
    client = await PGlite.create();
    lite = new Kysely<SampleDatabase>({ dialect: new PgliteDialect(client) });
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
    postgres = new Kysely<SampleDatabase>({ dialect: new PostgresDialect({ pool }) });
    await sql.raw(`create schema ${schema}`).execute(postgres);
    for (const db of [lite, postgres]) {
      await sql.raw(TABLE).execute(db);
      for (const row of ROWS) await db.insertInto('sample').values(row).execute();
    }
  });
  afterAll(async () => {
    await lite?.destroy();
    await postgres?.destroy();
    if (DATABASE_URL) await dropSchema(DATABASE_URL, schema);
  });

  it('reads the same rows on both engines', async () => {
    const a = await READ(lite);
    const b = await READ(postgres);
    // node-postgres gives bigint as a string; PGlite as a bigint. The store reads neither as a number.
    const plain = (rows: Record<string, unknown>[]) =>
      rows.map((r) => ({ ...r, version: String(r.version) }));
    expect(plain(a.rows)).toEqual(plain(b.rows));
  });
});
