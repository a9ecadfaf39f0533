import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/runtime/clock.ts';
import { createDisputeService, type DisputeService } from '../../src/runtime/dispute-service.ts';
import { createScheduler } from '../../src/runtime/scheduler.ts';
import type { Store } from '../../src/store/open-store.ts';
import { claimDueTimers } from '../../src/store/operations/index.ts';
import { ENGINES } from '../store/engines.ts';
import { createFakeDecide, fakeContextFor, OWNER, raisedEvent } from './fake-decide.ts';

const T0 = new Date('2026-06-01T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function manualClock(start: Date): Clock & { set(d: Date): void } {
  let now = start;
  return { now: () => now, set: (d) => (now = d) };
}

for (const engine of ENGINES) {
  describe(`scheduler on ${engine.name}`, () => {
    let store: Store;
    let service: DisputeService;
    const clock = manualClock(T0);
    const decide = createFakeDecide({
      plan: () => [
        { name: 'b', kind: 'stage-warning-75', at: at(20) },
        { name: 'a', kind: 'stage-warning-50', at: at(10) },
        { name: 'c', kind: 'stage-deadline', at: at(30) },
      ],
    });
    beforeAll(async () => {
      store = await engine.open();
      service = createDisputeService({ store, decide, contextFor: fakeContextFor, clock });
      await service.applyEvent('d-1', raisedEvent('d-1'), { source: 'teams', procedureId: 'ane' });
    });
    afterAll(async () => {
      await store?.close();
    });

    it('fires only due timers, in due order, through decide, marking each fired', async () => {
      const scheduler = createScheduler({ store, service, clock });
      expect(await scheduler.runOnce()).toEqual([]);
      clock.set(at(25));
      const fired = await scheduler.runOnce();
      expect(fired.map((f) => [f.key, f.kind, f.outcome, f.at])).toEqual([
        ['d-1:a', 'stage-warning-50', 'applied', at(25).toISOString()],
        ['d-1:b', 'stage-warning-75', 'applied', at(25).toISOString()],
      ]);
      expect(await scheduler.runOnce()).toEqual([]);
      const timers = await store.db.selectFrom('timers').selectAll().orderBy('due_at').execute();
      expect(timers.map((t) => [t.key, t.fired_at?.toISOString() ?? null, t.outcome])).toEqual([
        ['d-1:a', at(25).toISOString(), 'applied'],
        ['d-1:b', at(25).toISOString(), 'applied'],
        ['d-1:c', null, null],
      ]);
      const audit = await store.db
        .selectFrom('audit')
        .selectAll()
        .where('source', '=', 'timer')
        .orderBy('seq')
        .execute();
      expect(audit.map((a) => (a.event.type === 'timer-fired' ? a.event.key : ''))).toEqual([
        'd-1:a',
        'd-1:b',
      ]);
      const emails = await store.db
        .selectFrom('outbox')
        .select('key')
        .where('key', 'like', 'd-1:_:email')
        .execute();
      expect(emails.map((e) => e.key).sort()).toEqual(['d-1:a:email', 'd-1:b:email']);
      expect(await scheduler.nextDue(at(25), at(60))).toEqual(at(30));
    });

    it('never fires a cancelled timer, and records a refused (stale) one as fired with its reason', async () => {
      const scheduler = createScheduler({ store, service, clock });
      await service.applyEvent('d-2', raisedEvent('d-2'), { source: 'teams', procedureId: 'ane' });
      await service.applyEvent('d-2', { type: 'closed', by: OWNER }, { source: 'teams' });
      // A timer decide no longer knows about (set behind its back): refused as stale, but still fired once.
      await store.db
        .insertInto('timers')
        .values({
          key: 'd-1:ghost',
          dispute_id: 'd-1',
          kind: 'action-due',
          stage_id: 'stage-1',
          due_at: at(26),
          created_at: T0,
          fired_at: null,
          cancelled_at: null,
          outcome: null,
          locked_by: null,
          locked_until: null,
          last_error: null,
        })
        .execute();
      clock.set(at(120));
      const fired = await scheduler.runOnce();
      expect(fired.map((f) => [f.key, f.outcome])).toEqual([
        ['d-1:ghost', 'refused:stale-timer'],
        ['d-1:c', 'applied'],
      ]);
      const d2 = await store.db.selectFrom('timers').selectAll().where('dispute_id', '=', 'd-2').execute();
      expect(d2.every((t) => t.fired_at === null && t.cancelled_at !== null)).toBe(true);
    });

    it('lists due timers another scheduler claimed only once its lease ran out', async () => {
      const wall = manualClock(new Date('2026-12-03T08:00:00Z'));
      const scheduler = createScheduler({ store, service, clock, wallClock: wall, leaseMs: 15_000 });
      await service.applyEvent('d-3', raisedEvent('d-3'), { source: 'teams', procedureId: 'ane' });
      // Another instance claims the first two of d-3's three due timers, then dies.
      const claimed = await claimDueTimers(store.db, {
        now: clock.now(),
        wallNow: wall.now(),
        leaseUntil: new Date(wall.now().getTime() + 15_000),
        schedulerId: 'other-instance',
        limit: 2,
      });
      expect(claimed.map((c) => [c.key, c.version, c.state?.id])).toEqual([
        ['d-3:a', 1, 'd-3'],
        ['d-3:b', 1, 'd-3'],
      ]);
      expect((await scheduler.runOnce()).map((f) => [f.key, f.outcome])).toEqual([['d-3:c', 'applied']]);
      wall.set(new Date(wall.now().getTime() + 14_000));
      expect(await scheduler.runOnce()).toEqual([]);
      wall.set(new Date(wall.now().getTime() + 2_000));
      expect((await scheduler.runOnce()).map((f) => [f.key, f.outcome])).toEqual([
        ['d-3:a', 'applied'],
        ['d-3:b', 'applied'],
      ]);
      const audit = await store.db
        .selectFrom('audit')
        .select('seq')
        .where('dispute_id', '=', 'd-3')
        .where('event_type', '=', 'timer-fired')
        .execute();
      expect(audit).toHaveLength(3);
    });
  });
}
