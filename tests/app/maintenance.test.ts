/**
 * The server's store upkeep (`startStoreUpkeep`, started with the rest of the maintenance after
 * `listen`): on PGlite a loop that vacuums and checkpoints as PostgreSQL's background workers would;
 * on PostgreSQL none, since they do it there.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { startStoreUpkeep } from '../../src/app/maintenance.ts';
import { silentLogger } from '../../src/log/index.ts';
import type { PollLoop } from '../../src/runtime/poll-loop.ts';
import type { Store } from '../../src/store/open-store.ts';
import { ENGINES } from '../store/engines.ts';

const lastVacuum = async (store: Store, table: string) =>
  (
    await sql<{ at: Date | null }>`select last_vacuum as at from pg_stat_user_tables
      where schemaname = current_schema() and relname = ${table}`.execute(store.db)
  ).rows[0]?.at ?? null;

for (const engine of ENGINES) {
  describe(`store upkeep loop on ${engine.name}`, () => {
    let store: Store | undefined;
    let loop: PollLoop | null = null;
    afterEach(async () => {
      await loop?.stop();
      loop = null;
      await store?.close();
      store = undefined;
    });

    it(engine.name === 'pglite'
      ? 'vacuums a table full of deleted rows on its own, after its first interval'
      : 'runs no loop: PostgreSQL vacuums and checkpoints itself', async () => {
      store = await engine.open();
      await sql`insert into kv (key, value, updated_at)
          select 'loop-' || g, '{}'::jsonb, now() from generate_series(1, 500) g`.execute(store.db);
      await sql`delete from kv where key like 'loop-%'`.execute(store.db);
      loop = startStoreUpkeep({ store, log: silentLogger(), intervalMs: 100 });
      if (engine.name !== 'pglite') {
        expect(loop).toBeNull();
        return;
      }
      expect(loop).not.toBeNull();
      // Not during start-up: the first run waits an interval.
      expect(await lastVacuum(store, 'kv')).toBeNull();
      const started = Date.now();
      while ((await lastVacuum(store, 'kv')) === null && Date.now() - started < 10_000)
        await new Promise((r) => setTimeout(r, 50));
      expect(await lastVacuum(store, 'kv')).not.toBeNull();
    }, 20_000);
  });
}
