/**
 * The store without HTTP: `applyEvent` throughput (8 disputes in parallel), and firing 100 due
 * timers with 1k and then many more open disputes (each with a pending timer) in the store.
 */
import { performance } from 'node:perf_hooks';
import { addWorkingDays, bundledCalendar } from '../../src/domain/calendar/index.ts';
import { decide } from '../../src/domain/dispute/decide.ts';
import type { DisputeEvent, PersonRef, RoleResolver } from '../../src/domain/dispute/types.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { createDisputeService, type DisputeService } from '../../src/runtime/dispute-service.ts';
import { createScheduler } from '../../src/runtime/scheduler.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { openStore, type Store, type StoreTarget } from '../../src/store/open-store.ts';
import { cloneDisputes, raisedBy } from '../lib/seed.ts';
import { fmt, type Row } from '../lib/stats.ts';

export interface StoreSizes {
  readonly applyDisputes: number;
  readonly timerSmall: number;
  readonly timerBig: number;
}

const ane = getProcedure('ane');
if (!ane) throw new Error('no ANE procedure');
const calendar = bundledCalendar('england-and-wales');
const person = (org: string, role: string): PersonRef => ({
  id: `${org}.${role}`,
  name: `${role}, ${org}`,
  email: `${role}@${org}.example`,
  organisationId: org,
});
const resolver: RoleResolver = {
  resolve: ({ party, dispute }) =>
    person(
      party.side === 'counterpart' ? dispute.counterpartOrganisationId : dispute.raisingOrganisationId,
      party.role,
    ),
};

function serviceOn(store: Store, now: { value: Date }): DisputeService {
  return createDisputeService({
    store,
    decide,
    clock: { now: () => now.value },
    contextFor: () => ({ procedure: ane as NonNullable<typeof ane>, calendar, resolver }),
  });
}

export async function withStore<T>(target: StoreTarget, fn: (store: Store) => Promise<T>): Promise<T> {
  const scoped: StoreTarget =
    target.engine === 'postgres'
      ? { ...target, schema: `bench_${process.pid}_${Date.now() % 100000}` }
      : target;
  const store = await openStore(scoped);
  try {
    await migrateToLatest(store);
    return await fn(store);
  } finally {
    if (scoped.engine === 'postgres')
      await store.db.schema
        .dropSchema(scoped.schema ?? '')
        .ifExists()
        .cascade()
        .execute()
        .catch(() => {});
    await store.close();
  }
}

const walkOf = (id: string, i: number): DisputeEvent[] => {
  const tm = person('ane', 'team-manager');
  return [
    raisedBy(person('ane', 'practitioner'), id, 'g'),
    { type: 'decision', by: tm, choice: 'escalate' },
    { type: 'message-sent', effectKey: 'k', kind: 'statement', internetMessageId: `<m-${i}@x>` },
    {
      type: 'reply-received',
      internetMessageId: `<r-${i}@g.example>`,
      fromEmail: 'x@g.example',
      text: 'Reply.',
    },
    { type: 'acknowledged', by: tm, agreed: true },
  ];
};

export async function benchApplyEvent(engine: string, target: StoreTarget, sizes: StoreSizes): Promise<Row> {
  return withStore(target, async (store) => {
    const service = serviceOn(store, { value: new Date('2026-11-23T10:00:00Z') });
    const run = async (prefix: string, disputes: number) => {
      let next = 0;
      let events = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < disputes) {
            const i = next++;
            const id = `${prefix}-${i}`;
            for (const event of walkOf(id, i)) {
              const r = await service.applyEvent(id, event, { source: 'system', procedureId: 'ane' });
              if (!r.ok) throw new Error(`refused: ${r.refusal.reason}`);
              events++;
            }
          }
        }),
      );
      return events / ((performance.now() - start) / 1000);
    };
    await run('warm', 8);
    const perSecond = await run('bench', sizes.applyDisputes);
    const goal = engine === 'PostgreSQL' ? 500 : 200;
    return {
      figure: '`applyEvent`, 8 disputes in parallel (events/s)',
      engine,
      value: fmt(perSecond, 0),
      reference: '',
      ratio: '',
      target: `≥ ${goal}/s`,
      met: perSecond >= goal,
    };
  });
}

export async function benchTimers(engine: string, target: StoreTarget, given: StoreSizes): Promise<Row[]> {
  // Copying 100k disputes into PGlite (single-threaded WebAssembly) alone takes minutes here.
  const sizes = target.engine === 'pglite' ? { ...given, timerBig: Math.min(given.timerBig, 20_000) } : given;
  return withStore(target, async (store) => {
    const now = { value: new Date('2027-01-04T10:00:00Z') };
    const service = serviceOn(store, now);
    const scheduler = createScheduler({ store, service, clock: { now: () => now.value } });
    const far = new Date('2100-01-01T00:00:00Z');
    // A dispute waiting on the counterpart's response has a deadline (a pending timer).
    const awaitingResponse = async (id: string, i: number) => {
      for (const event of walkOf(id, i).slice(0, 3)) {
        const r = await service.applyEvent(id, event, { source: 'system', procedureId: 'ane' });
        if (!r.ok) throw new Error(`refused: ${r.refusal.reason}`);
      }
    };
    await awaitingResponse('template', 0);
    let open = 1;
    const fireHundred = async (round: number) => {
      for (let i = 0; i < 100; i++) await awaitingResponse(`due-${round}-${i}`, i);
      // Past every deadline those raises set (a stage's timescale is weeks of working days).
      now.value = addWorkingDays({ calendar, from: now.value, workingDays: 60 }).due;
      let fired = 0;
      const start = performance.now();
      while (fired < 100) {
        const batch = await scheduler.runOnce();
        if (batch.length === 0) break;
        fired += batch.length;
      }
      const ms = performance.now() - start;
      // Whatever those firings set up (later deadlines) must not spill into the next round.
      while ((await scheduler.runOnce()).length > 0) {}
      return { ms: (ms * 100) / Math.max(1, fired), fired };
    };
    await cloneDisputes(store, {
      templateId: 'template',
      prefix: 'open',
      from: 1,
      count: sizes.timerSmall - open,
      timerDueAt: far,
    });
    open = sizes.timerSmall;
    const small = await fireHundred(1);
    await cloneDisputes(store, {
      templateId: 'template',
      prefix: 'open',
      from: open,
      count: sizes.timerBig - open,
      timerDueAt: far,
    });
    const big = await fireHundred(2);
    const growth = big.ms / small.ms;
    return [
      {
        figure: `firing 100 due timers, ${fmt(sizes.timerSmall, 0)} open disputes (ms)`,
        engine,
        value: fmt(small.ms, 0),
        reference: `${small.fired} fired`,
        ratio: '',
        target: engine === 'PostgreSQL' ? '≤ 200 ms' : '',
        met: engine === 'PostgreSQL' ? small.ms <= 200 : null,
      },
      {
        figure: `firing 100 due timers, ${fmt(sizes.timerBig, 0)} open disputes (ms)`,
        engine,
        value: fmt(big.ms, 0),
        reference: `${fmt(small.ms, 0)} at ${fmt(sizes.timerSmall, 0)}`,
        ratio: `${fmt(growth, 2)}×`,
        target: engine === 'PostgreSQL' ? '≤ 200 ms, flat (≤ 1.5×)' : 'flat (≤ 1.5×)',
        met: (engine === 'PostgreSQL' ? big.ms <= 200 : true) && growth <= 1.5,
      },
    ];
  });
}
