/**
 * PGlite's stand-ins for PostgreSQL's autovacuum and checkpointer (`vacuumWhereDue`,
 * `checkpointWhereDue`; the server runs them on PGlite only, src/app/maintenance.ts). The
 * operations are plain SQL, so they are checked on every engine.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/open-store.ts';
import { deleteFinishedGraphNotifications } from '../../src/store/operations/delete-finished-graph-notifications.ts';
import { enqueueGraphNotificationGroups } from '../../src/store/operations/enqueue-graph-notifications.ts';
import {
  checkpointWhereDue,
  claimGraphNotifications,
  vacuumWhereDue,
} from '../../src/store/operations/index.ts';
import { ENGINES } from './engines.ts';

const job = { subscriptionId: 'sub-1', resource: 'users/u-1/messages/m-1', changeType: 'created' };

/** `count` notifications through the queue: added, claimed and finished (deleted). */
async function through(store: Store, from: number, count: number): Promise<void> {
  const items = Array.from({ length: count }, (_, i) => ({ key: `n-${from + i}`, job }));
  await enqueueGraphNotificationGroups(store.db, { groups: [{ items, now: new Date() }], capacity: 100_000 });
  const claimed = await claimGraphNotifications(store.db, {
    workerId: 'w-1',
    now: new Date(),
    leaseMs: 60_000,
    limit: count,
  });
  expect(claimed).toHaveLength(count);
  await deleteFinishedGraphNotifications(store.db, {
    workerId: 'w-1',
    finished: claimed.map(({ key, generation }) => ({ key, generation })),
  });
}

const tableBytes = async (store: Store, table: string) =>
  Number(
    (await sql<{ bytes: string }>`select pg_relation_size(${table}::regclass) as bytes`.execute(store.db))
      .rows[0]?.bytes,
  );

const deadRows = async (store: Store, table: string) =>
  Number(
    (
      await sql<{ dead: string }>`select n_dead_tup as dead from pg_stat_user_tables
        where schemaname = current_schema() and relname = ${table}`.execute(store.db)
    ).rows[0]?.dead ?? 0,
  );

/** Runs vacuumWhereDue until the table's dead rows are gone (statistics arrive within a second or so). */
async function vacuumedAway(store: Store, table: string): Promise<string[]> {
  const seen = new Set<string>();
  const started = Date.now();
  for (;;) {
    const report = await vacuumWhereDue(store.db);
    for (const t of [...report.vacuumed, ...report.analysed]) seen.add(t);
    if (seen.has(table) && (await deadRows(store, table)) === 0) return [...seen];
    if (Date.now() - started > 15_000) throw new Error(`${table} was never vacuumed: ${[...seen]}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const walSinceCheckpoint = async (store: Store) =>
  Number(
    (
      await sql<{ since: number }>`select (pg_current_wal_insert_lsn() - redo_lsn)::float8 as since
        from pg_control_checkpoint()`.execute(store.db)
    ).rows[0]?.since,
  );

for (const engine of ENGINES) {
  describe(`store upkeep on ${engine.name}`, () => {
    let store: Store | undefined;
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    it('vacuums a queue whose rows were deleted, so it reuses their space instead of growing', async () => {
      store = await engine.open();
      const sizes: number[] = [];
      for (let round = 0; round < 5; round++) {
        await through(store, round * 2_000, 2_000);
        const touched = await vacuumedAway(store, 'graph_notifications');
        // Tables nobody wrote to are left alone.
        expect(touched).not.toContain('audit');
        expect(touched).not.toContain('disputes');
        sizes.push(await tableBytes(store, 'graph_notifications'));
      }
      // Without a vacuum the table grew by each round's rows (PGlite: 48 MB after 60,000).
      expect(sizes.at(-1)).toBeLessThanOrEqual((sizes[0] ?? 0) * 1.5);
    }, 60_000);

    it('analyses a table whose rows changed, so the planner counts them', async () => {
      store = await engine.open();
      await sql`insert into kv (key, value, updated_at)
        select 'upkeep-' || g, '{}'::jsonb, now() from generate_series(1, 400) g`.execute(store.db);
      const started = Date.now();
      let counted = 0;
      while (counted < 400 && Date.now() - started < 15_000) {
        await vacuumWhereDue(store.db);
        counted = Number(
          (
            await sql<{ n: number }>`select reltuples::float8 as n from pg_class
              where oid = 'kv'::regclass`.execute(store.db)
          ).rows[0]?.n,
        );
        if (counted < 400) await new Promise((r) => setTimeout(r, 200));
      }
      expect(counted).toBeGreaterThanOrEqual(400);
    }, 30_000);

    it('checkpoints once a WAL segment was written since the last checkpoint', async () => {
      store = await engine.open();
      await sql`checkpoint`.execute(store.db);
      // The WAL is the whole server's: on PostgreSQL other tests write to it too.
      if (engine.name === 'pglite') expect(await checkpointWhereDue(store.db)).toBe(false);
      await sql`create table upkeep_wal (n int, note text)`.execute(store.db);
      await sql`insert into upkeep_wal select g, md5(g::text) from generate_series(1, 300000) g`.execute(
        store.db,
      );
      expect(await walSinceCheckpoint(store)).toBeGreaterThan(16 * 1024 * 1024);
      expect(await checkpointWhereDue(store.db)).toBe(true);
      expect(await walSinceCheckpoint(store)).toBeLessThan(16 * 1024 * 1024);
    }, 60_000);
  });
}
