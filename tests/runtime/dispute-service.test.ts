import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decide } from '../../src/domain/dispute/decide-types.ts';
import type { DisputeEvent } from '../../src/domain/dispute/types.ts';
import type { Clock } from '../../src/runtime/clock.ts';
import { createDisputeService, type DisputeService } from '../../src/runtime/dispute-service.ts';
import type { Store } from '../../src/store/open-store.ts';
import { writeDecision } from '../../src/store/operations/index.ts';
import { ENGINES } from '../store/engines.ts';
import { createFakeDecide, fakeContextFor, OWNER, raisedEvent } from './fake-decide.ts';

const T0 = new Date('2026-06-01T09:00:00Z');
const hours = (n: number) => new Date(T0.getTime() + n * 3_600_000);

function fixedClock(start: Date): Clock & { set(d: Date): void } {
  let now = start;
  return { now: () => now, set: (d) => (now = d) };
}

for (const engine of ENGINES) {
  describe(`applyEvent on ${engine.name}`, () => {
    let store: Store;
    let service: DisputeService;
    const clock = fixedClock(T0);
    const decide = createFakeDecide({
      plan: (_id, now) => [
        { name: 'deadline', kind: 'stage-deadline', at: new Date(now.getTime() + 48 * 3_600_000) },
        { name: 'warn', kind: 'stage-warning-50', at: new Date(now.getTime() + 24 * 3_600_000) },
      ],
    });
    beforeAll(async () => {
      store = await engine.open();
      service = createDisputeService({ store, decide, contextFor: fakeContextFor, clock, wallClock: clock });
    });
    afterAll(async () => {
      await store?.close();
    });

    it('writes state, audit, timers, records and outbox in one go', async () => {
      const result = await service.applyEvent('d-1', raisedEvent('d-1'), {
        source: 'teams',
        procedureId: 'ane',
      });
      expect(result.ok).toBe(true);
      const dispute = await store.db
        .selectFrom('disputes')
        .selectAll()
        .where('id', '=', 'd-1')
        .executeTakeFirstOrThrow();
      expect(dispute).toMatchObject({
        procedure_id: 'ane',
        procedure_version: '1',
        status: 'open',
        version: 1,
      });
      expect(dispute.state.caseReference).toBe('CR-d-1');
      const audit = await store.db.selectFrom('audit').selectAll().where('dispute_id', '=', 'd-1').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ seq: 1, actor: OWNER.id, source: 'teams', event_type: 'raised' });
      expect(audit[0]?.at.toISOString()).toBe(T0.toISOString());
      const timers = await store.db.selectFrom('timers').selectAll().orderBy('due_at').execute();
      expect(timers.map((t) => [t.key, t.kind, t.due_at.toISOString()])).toEqual([
        ['d-1:warn', 'stage-warning-50', hours(24).toISOString()],
        ['d-1:deadline', 'stage-deadline', hours(48).toISOString()],
      ]);
      const outbox = await store.db.selectFrom('outbox').selectAll().execute();
      expect(outbox.map((o) => [o.key, o.type, o.status, o.attempts])).toEqual([
        ['d-1:welcome', 'send-email', 'pending', 0],
      ]);
      expect(outbox[0]?.effect).toMatchObject({ type: 'send-email', key: 'd-1:welcome' });
      const records = await store.db.selectFrom('records').selectAll().execute();
      expect(records.map((r) => [r.key, r.seq, r.entry.summary])).toEqual([
        ['d-1:raised:record', 1, 'Dispute raised'],
      ]);
    });

    it('returns refusals as values and writes nothing', async () => {
      const before = await store.db.selectFrom('audit').select('seq').execute();
      const again = await service.applyEvent('d-1', raisedEvent('d-1'), {
        source: 'teams',
        procedureId: 'ane',
      });
      expect(again).toEqual({
        ok: false,
        refusal: { reason: 'already-raised', code: 'already-raised', params: {} },
      });
      const stale = await service.applyEvent(
        'd-1',
        { type: 'timer-fired', key: 'd-1:nope', kind: 'stage-deadline', stageId: 'stage-1' },
        { source: 'timer' },
      );
      expect(stale.ok).toBe(false);
      const missing = await service.applyEvent('nope', { type: 'closed', by: OWNER }, { source: 'teams' });
      expect(missing).toMatchObject({ ok: false, refusal: { reason: 'not-raised' } });
      // A click that acted on an older state is refused, not applied on top of the newer one.
      const current = await service.get('d-1');
      const raced = await service.applyEvent(
        'd-1',
        { type: 'closed', by: OWNER },
        {
          source: 'teams',
          expectedSeq: (current?.seq ?? 0) - 1,
        },
      );
      expect(raced).toMatchObject({ ok: false, refusal: { reason: 'stale-card' } });
      expect(await store.db.selectFrom('audit').select('seq').execute()).toEqual(before);
    });

    it('cancels timers, bumps the version, and replays the audit log to the same state', async () => {
      clock.set(hours(1));
      const fired = await service.applyEvent(
        'd-1',
        { type: 'timer-fired', key: 'd-1:warn', kind: 'stage-warning-50', stageId: 'stage-1' },
        { source: 'timer' },
      );
      expect(fired.ok).toBe(true);
      clock.set(hours(2));
      const closed = await service.applyEvent('d-1', { type: 'closed', by: OWNER }, { source: 'teams' });
      expect(closed.ok && closed.seq).toBe(3);
      const deadline = await store.db
        .selectFrom('timers')
        .selectAll()
        .where('key', '=', 'd-1:deadline')
        .executeTakeFirstOrThrow();
      expect(deadline.cancelled_at?.toISOString()).toBe(hours(2).toISOString());
      const dispute = await store.db
        .selectFrom('disputes')
        .selectAll()
        .where('id', '=', 'd-1')
        .executeTakeFirstOrThrow();
      expect(dispute).toMatchObject({ status: 'closed', version: 3, next_due: null });
      expect(await service.replay('d-1')).toEqual(dispute.state);
    });

    it('serialises concurrent events on one dispute (no lost update)', async () => {
      await service.applyEvent('d-2', raisedEvent('d-2'), { source: 'teams', procedureId: 'ane' });
      const sent = (n: number): DisputeEvent => ({
        type: 'message-sent',
        effectKey: `k${n}`,
        kind: 'statement',
        internetMessageId: `<m${n}@x>`,
      });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, n) => service.applyEvent('d-2', sent(n), { source: 'email' })),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      const state = await service.get('d-2');
      expect([...(state?.informed ?? [])].sort()).toEqual(
        Array.from({ length: 12 }, (_, n) => `k${n}`).sort(),
      );
      const audit = await store.db
        .selectFrom('audit')
        .select('seq')
        .where('dispute_id', '=', 'd-2')
        .orderBy('seq')
        .execute();
      expect(audit.map((a) => a.seq)).toEqual(Array.from({ length: 13 }, (_, n) => n + 1));
    });

    it('decides on the stored state when another instance changed the dispute since this one wrote it', async () => {
      const other = createDisputeService({
        store,
        decide,
        contextFor: fakeContextFor,
        clock,
        wallClock: clock,
      });
      const sent = (key: string): DisputeEvent => ({
        type: 'message-sent',
        effectKey: key,
        kind: 'statement',
        internetMessageId: `<${key}@x>`,
      });
      await service.applyEvent('d-kept', raisedEvent('d-kept'), { source: 'teams', procedureId: 'ane' });
      await service.applyEvent('d-kept', sent('here-1'), { source: 'email' });
      const there = await other.applyEvent('d-kept', sent('there-1'), { source: 'email' });
      // A card rendered by the other instance carries its seq: not refused as changed meanwhile here.
      const here = await service.applyEvent('d-kept', sent('here-2'), {
        source: 'email',
        expectedSeq: there.ok ? there.state.seq : -1,
      });
      expect(here.ok).toBe(true);
      const state = await service.get('d-kept');
      expect([...(state?.informed ?? [])].sort()).toEqual(['here-1', 'here-2', 'there-1']);
      const audit = await store.db
        .selectFrom('audit')
        .select('seq')
        .where('dispute_id', '=', 'd-kept')
        .orderBy('seq')
        .execute();
      expect(audit.map((a) => a.seq)).toEqual([1, 2, 3, 4]);
    });

    it('lets exactly one of several racing raises of one id win', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          service.applyEvent('d-race', raisedEvent('d-race'), { source: 'teams', procedureId: 'ane' }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.refusal.reason)).toEqual(
        Array(4).fill('already-raised'),
      );
    });

    it('rolls everything back when a write fails mid-transaction', async () => {
      const throwing: Decide = (state, event, ctx) => {
        const result = decide(state, event, ctx);
        if (!result.ok) return result;
        // A record effect whose entry cannot be stored (no `at`): the insert fails after the state was written.
        return {
          ...result,
          effects: [...result.effects, { type: 'record', key: 'bad', entry: { stageId: null } } as never],
        };
      };
      const failing = createDisputeService({ store, decide: throwing, contextFor: fakeContextFor, clock });
      await expect(
        failing.applyEvent('d-3', raisedEvent('d-3'), { source: 'teams', procedureId: 'ane' }),
      ).rejects.toThrow();
      expect(await service.get('d-3')).toBeNull();
      expect(
        await store.db.selectFrom('timers').select('key').where('dispute_id', '=', 'd-3').execute(),
      ).toEqual([]);
      expect(
        await store.db.selectFrom('outbox').select('key').where('dispute_id', '=', 'd-3').execute(),
      ).toEqual([]);
    });

    it('writes a decision on a stale version not at all, without any transaction around it', async () => {
      await service.applyEvent('d-4', raisedEvent('d-4'), { source: 'teams', procedureId: 'ane' });
      const before = await service.get('d-4');
      if (!before) throw new Error('not raised');
      const count = async (table: 'audit' | 'timers' | 'outbox' | 'records') =>
        (await store.db.selectFrom(table).select('dispute_id').where('dispute_id', '=', 'd-4').execute())
          .length;
      const counts = [
        await count('audit'),
        await count('timers'),
        await count('outbox'),
        await count('records'),
      ];
      // Version 1 is stored; a writer that decided on version 0 must leave no trace of its decision.
      const written = await writeDecision(store.db, {
        state: { ...before, seq: 2 },
        version: 2,
        expectedVersion: 0,
        at: hours(1),
        available: hours(1),
        source: 'teams',
        stageId: before.stage.id,
        event: { type: 'message-sent', effectKey: 'x', kind: 'statement', internetMessageId: '<x@x>' },
        effects: [
          { type: 'cancel-timer', key: 'd-4:warn' },
          {
            type: 'set-timer',
            key: 'd-4:later',
            kind: 'stage-deadline',
            stageId: 's',
            at: hours(90).toISOString(),
          },
          {
            type: 'record',
            key: 'd-4:stale',
            entry: { at: hours(1).toISOString(), stageId: 's', summary: 'x' } as never,
          },
          { type: 'send-email', key: 'd-4:stale-mail' } as never,
        ],
      });
      expect(written).toBe(false);
      expect([
        await count('audit'),
        await count('timers'),
        await count('outbox'),
        await count('records'),
      ]).toEqual(counts);
      const warn = await store.db
        .selectFrom('timers')
        .select('cancelled_at')
        .where('key', '=', 'd-4:warn')
        .executeTakeFirstOrThrow();
      expect(warn.cancelled_at).toBeNull();
      expect((await service.get('d-4'))?.seq).toBe(before.seq);
    });

    // PostgreSQL only: PGlite has no named statements (the marker is a comment there).
    if (engine.name === 'postgres')
      it('sends the one-statement write as a prepared statement, parsed once per connection', async () => {
        await store.db.connection().execute(async (db) => {
          const pinned = createDisputeService({
            store: { ...store, db },
            decide,
            contextFor: fakeContextFor,
            clock,
          });
          await pinned.applyEvent('d-5', raisedEvent('d-5'), { source: 'teams', procedureId: 'ane' });
          for (const key of ['p-1', 'p-2', 'p-3'])
            await pinned.applyEvent(
              'd-5',
              { type: 'message-sent', effectKey: key, kind: 'statement', internetMessageId: `<${key}@x>` },
              { source: 'email' },
            );
          const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements
            where name like 'concord\_%'`.execute(db);
          // The raise's insert and the three updates' one text.
          expect(rows.filter((r) => r.statement.includes('with written as (update disputes'))).toHaveLength(
            1,
          );
          expect(
            rows.filter((r) => r.statement.includes('with written as (insert into disputes')),
          ).toHaveLength(1);
        });
        expect((await service.get('d-5'))?.informed).toEqual(['p-1', 'p-2', 'p-3']);
      });
  });
}

describe('contextFor', () => {
  it('is told the raising organisation, from the raised event before the dispute exists and from the state after', async () => {
    const store = await ENGINES[0]?.open();
    if (!store) throw new Error('no engine');
    try {
      const seen: (string | null)[] = [];
      const service = createDisputeService({
        store,
        decide: createFakeDecide({ plan: () => [] }),
        contextFor: (subject) => {
          seen.push(subject.raisingOrganisationId);
          return fakeContextFor(subject);
        },
        clock: fixedClock(T0),
      });
      await service.applyEvent(
        'd-ctx',
        { ...raisedEvent('d-ctx'), raisingOrganisationId: 'org-r' },
        { source: 'teams', procedureId: 'ane' },
      );
      await service.applyEvent('d-ctx', { type: 'closed', by: OWNER }, { source: 'teams' });
      // The fake decide always stores org-a in its state.
      expect(seen).toEqual(['org-r', 'org-a']);
    } finally {
      await store.close();
    }
  });
});
