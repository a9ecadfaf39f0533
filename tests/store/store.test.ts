import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError } from '../../src/store/errors.ts';
import { migrateToLatest, migrationStatus } from '../../src/store/migrate.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { json } from '../../src/store/schema.ts';
import { ENGINES } from './engines.ts';

for (const engine of ENGINES) {
  describe(`store on ${engine.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await engine.open({ migrate: false });
    });
    afterAll(async () => {
      await store?.close();
    });

    it('applies every numbered migration once, then nothing', async () => {
      expect((await migrationStatus(store)).pending).toEqual(Object.keys(MIGRATIONS));
      const first = await migrateToLatest(store);
      expect(first.applied).toEqual(Object.keys(MIGRATIONS));
      const second = await migrateToLatest(store);
      expect(second.applied).toEqual([]);
      expect(second.current).toEqual(Object.keys(MIGRATIONS));
      expect((await migrationStatus(store)).pending).toEqual([]);
    });

    it('round-trips jsonb (objects and arrays) and timestamptz', async () => {
      const at = new Date('2026-06-01T10:00:00.123Z');
      await store.db
        .insertInto('kv')
        .values({ key: 'k', value: json({ list: [1, 'two'], nested: { a: null } }), updated_at: at })
        .execute();
      await store.db
        .insertInto('kv')
        .values({ key: 'arr', value: json(['x', 'y']), updated_at: at })
        .execute();
      const rows = await store.db.selectFrom('kv').selectAll().orderBy('key').execute();
      expect(rows.map((r) => r.value)).toEqual([['x', 'y'], { list: [1, 'two'], nested: { a: null } }]);
      expect(rows[0]?.updated_at).toBeInstanceOf(Date);
      expect(rows[0]?.updated_at.toISOString()).toBe(at.toISOString());
    });

    it('keeps the audit log append-only', async () => {
      const now = new Date().toISOString();
      await store.db
        .insertInto('disputes')
        .values({
          id: 'd-audit',
          procedure_id: 'ane',
          procedure_version: '1',
          status: 'open',
          stage_id: 'informal',
          phase: 'awaiting-decision',
          case_reference: 'CR-1',
          owner_id: null,
          state: json({}),
          next_due: null,
          created_at: now,
          updated_at: now,
          version: 1,
        })
        .execute();
      await store.db
        .insertInto('audit')
        .values({
          dispute_id: 'd-audit',
          seq: 1,
          at: now,
          actor: null,
          source: 'system',
          stage_id: null,
          event_type: 'closed',
          event: json({ type: 'closed' }),
        })
        .execute();
      await expect(sql`update audit set actor = 'x'`.execute(store.db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from audit`.execute(store.db)).rejects.toThrow(/append-only/);
      const count = await store.db
        .selectFrom('audit')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      expect(Number(count?.n)).toBe(1);
    });
  });
}

describe('PGlite data folder', () => {
  it('persists across reopen and refuses a second live process, taking over a dead one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'concord-store-'));
    try {
      const first = await openStore({ engine: 'pglite', dataDir: dir });
      await migrateToLatest(first);
      await first.db
        .insertInto('kv')
        .values({ key: 'kept', value: json(1), updated_at: new Date() })
        .execute();
      // Another live process holds the folder: pid 1 always exists.
      writeFileSync(path.join(dir, 'concord.pid'), '1');
      await expect(openStore({ engine: 'pglite', dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
      writeFileSync(path.join(dir, 'concord.pid'), String(process.pid));
      await first.close();

      // A lock left by a dead process is taken over.
      writeFileSync(path.join(dir, 'concord.pid'), '999999');
      const second = await openStore({ engine: 'pglite', dataDir: dir });
      expect((await migrationStatus(second)).pending).toEqual([]);
      const kept = await second.db
        .selectFrom('kv')
        .select('value')
        .where('key', '=', 'kept')
        .executeTakeFirst();
      expect(kept?.value).toBe(1);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
