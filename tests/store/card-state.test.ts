/**
 * Migration 0003 (card bookkeeping out of `kv`) and the pruning rule it documents, on every engine:
 * existing rows move to card_slots / card_steps / card_deliveries, rows that can never be read
 * again are dropped, and the store ports keep answering exactly as before.
 */
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createStorePorts } from '../../src/bot/store-adapters.ts';
import type { DisputeService } from '../../src/runtime/dispute-service.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import type { Store } from '../../src/store/open-store.ts';
import { enqueueEffect, pruneCardState } from '../../src/store/operations/index.ts';
import { json } from '../../src/store/schema.ts';
import { ENGINES } from './engines.ts';

const AT = new Date('2026-06-01T09:00:00Z');

async function addDispute(store: Store, id: string, status: string): Promise<void> {
  await store.db
    .insertInto('disputes')
    .values({
      id,
      procedure_id: 'ane',
      procedure_version: '1',
      status,
      stage_id: 'informal',
      phase: 'awaiting-decision',
      case_reference: `CR-${id}`,
      owner_id: null,
      state: json({ id }),
      next_due: null,
      created_at: AT,
      updated_at: AT,
      version: 1,
    })
    .execute();
}

async function addCardEffect(store: Store, disputeId: string, key: string, status: 'pending' | 'done') {
  const effect = {
    type: 'send-card',
    key,
    to: { id: 'p', name: 'P' },
    card: 'step',
    slot: `${disputeId}:step`,
  };
  await enqueueEffect(store.db, { disputeId, effect: effect as never, at: AT });
  if (status === 'done')
    await store.db.updateTable('outbox').set({ status }).where('key', '=', key).execute();
}

const kv = (store: Store, key: string, value: unknown) =>
  store.db
    .insertInto('kv')
    .values({ key, value: json(value), updated_at: AT })
    .execute();

const noService = {} as DisputeService;

for (const engine of ENGINES) {
  describe(`card bookkeeping on ${engine.name}`, () => {
    let store: Store | undefined;
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    it('migration 0003 moves the kv rows into their own tables and drops the superseded ones', async () => {
      store = await engine.open({ migrate: false });
      const migrator = new Migrator({
        db: store.db,
        provider: migrationProvider,
        ...(store.schema === null ? {} : { migrationTableSchema: store.schema }),
      });
      expect((await migrator.migrateTo('0002-adapter-indexes')).error).toBeUndefined();

      await addDispute(store, 'd:open', 'open');
      await addDispute(store, 'd-ended', 'resolved');
      const slot = { personId: 'p', reference: { id: 'r' }, activityId: 'a-1', readOnlyCard: { type: 'x' } };
      await kv(store, 'bot:slot:d:open:step', slot);
      await kv(store, 'bot:step:d:open:1', 'open|informal|awaiting-decision|p');
      await kv(store, 'bot:step:d:open:2', 'open|informal|awaiting-response|q');
      await kv(store, 'bot:step:d-ended:3', 'open|informal|awaiting-decision|p');
      await kv(store, 'bot:step:d-ended:4', 'resolved|informal|ended|-');
      await addCardEffect(store, 'd:open', 'd:open:card-1', 'done');
      await addCardEffect(store, 'd:open', 'd:open:card-2', 'pending');
      await kv(store, 'bot:delivered:d:open:card-1', 'activity-1');
      await kv(store, 'bot:delivered:d:open:card-2', 'activity-2');
      await kv(store, 'bot:delivered:never-queued', 'activity-3');
      await kv(store, 'test-clock', '2026-06-01T09:00:00.000Z');

      expect((await migrateToLatest(store)).applied).toContain('0003-card-state');

      const cards = createStorePorts({ store, service: noService }).cards;
      expect(await cards.getSlot('d:open:step')).toEqual(slot);
      // An open dispute keeps every step; an ended one only those remembered after it ended.
      expect(await cards.stepAt('d:open', 1)).toBe('open|informal|awaiting-decision|p');
      expect(await cards.stepAt('d:open', 2)).toBe('open|informal|awaiting-response|q');
      expect(await cards.stepAt('d-ended', 3)).toBeNull();
      expect(await cards.stepAt('d-ended', 4)).toBe('resolved|informal|ended|-');
      // A done effect is never performed again; a pending one (or one the outbox never had) keeps its marker.
      expect(await cards.deliveredAs('d:open:card-1')).toBeNull();
      expect(await cards.deliveredAs('d:open:card-2')).toBe('activity-2');
      expect(await cards.deliveredAs('never-queued')).toBe('activity-3');

      const left = await store.db.selectFrom('kv').select('key').execute();
      expect(left.map((row) => row.key)).toEqual(['test-clock']);
      expect(await store.db.selectFrom('card_steps').select('seq').orderBy('seq').execute()).toEqual([
        { seq: 1 },
        { seq: 2 },
        { seq: 4 },
      ]);
    });

    it('pruneCardState applies the same rule to rows written later, and keeps slots', async () => {
      store = await engine.open();
      const cards = createStorePorts({ store, service: noService }).cards;
      await addDispute(store, 'd-1', 'open');
      await cards.rememberStep('d-1', 1, 'open|informal|awaiting-decision|p');
      await cards.rememberStep('d-1', 1, 'open|informal|awaiting-response|p'); // the same seq again: replaced
      await cards.rememberStep('d-1', 2, 'open|stage-1|awaiting-decision|p');
      await cards.setSlot('d-1:step', { personId: 'p', reference: {}, activityId: 'a-1', readOnlyCard: {} });
      await cards.setSlot('d-1:step', { personId: 'p', reference: {}, activityId: 'a-2', readOnlyCard: {} });
      await addCardEffect(store, 'd-1', 'd-1:card', 'pending');
      await cards.markDelivered('d-1:card', 'a-2');

      expect(await pruneCardState(store.db)).toEqual({ steps: 0, deliveries: 0 });
      expect(await cards.stepAt('d-1', 1)).toBe('open|informal|awaiting-response|p');

      await store.db.updateTable('disputes').set({ status: 'withdrawn' }).where('id', '=', 'd-1').execute();
      await cards.rememberStep('d-1', 3, 'withdrawn|stage-1|ended|-');
      await store.db.updateTable('outbox').set({ status: 'done' }).where('key', '=', 'd-1:card').execute();
      expect(await pruneCardState(store.db)).toEqual({ steps: 2, deliveries: 1 });

      expect(await cards.stepAt('d-1', 1)).toBeNull();
      expect(await cards.stepAt('d-1', 3)).toBe('withdrawn|stage-1|ended|-');
      expect(await cards.deliveredAs('d-1:card')).toBeNull();
      expect((await cards.getSlot('d-1:step'))?.activityId).toBe('a-2');
      expect(await store.db.selectFrom('card_slots').select('slot').execute()).toHaveLength(1);
    });
  });
}
