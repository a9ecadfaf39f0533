/**
 * Two Concord instances on one PostgreSQL, each with its own connection pool, scheduler and outbox
 * worker, racing over the same timers and effects. No timer may fire twice and no effect may be
 * performed twice (the sink here does NOT dedupe: it counts raw performs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDisputeService } from '../../src/runtime/dispute-service.ts';
import { createOutboxWorker } from '../../src/runtime/outbox-worker.ts';
import { createScheduler } from '../../src/runtime/scheduler.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { POSTGRES } from '../store/engines.ts';
import { createFakeDecide, fakeContextFor, raisedEvent } from './fake-decide.ts';
import { createFakeSink } from './fake-sink.ts';

const DISPUTES = 60;
const TIMERS_PER_DISPUTE = 4;

describe.skipIf(!POSTGRES)('two instances on one PostgreSQL', () => {
  let first: Store;
  let second: Store;
  beforeAll(async () => {
    if (!POSTGRES) return;
    first = await POSTGRES.open();
    second = await openStore(POSTGRES.targetOf(first));
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('never fires a timer twice nor performs an effect twice', async () => {
    const start = new Date();
    const decide = createFakeDecide({
      plan: (_id, now) =>
        Array.from({ length: TIMERS_PER_DISPUTE }, (_, i) => ({
          name: `t${i}`,
          kind: 'stage-warning-50' as const,
          at: new Date(now.getTime() - 1000 + i),
        })),
    });
    const clock = { now: () => new Date() };
    const sink = createFakeSink();
    const instances = [first, second].map((store, index) => {
      const service = createDisputeService({ store, decide, contextFor: fakeContextFor, clock });
      return {
        service,
        scheduler: createScheduler({ store, service, clock, schedulerId: `s${index}`, batchSize: 7 }),
        worker: createOutboxWorker({ store, service, performer: sink, workerId: `w${index}`, batchSize: 5 }),
      };
    });
    // Raise through both instances, interleaved.
    await Promise.all(
      Array.from({ length: DISPUTES }, (_, i) =>
        instances[i % 2]?.service.applyEvent(`d-${i}`, raisedEvent(`d-${i}`), {
          source: 'teams',
          procedureId: 'ane',
        }),
      ),
    );

    const fired: string[] = [];
    await Promise.all(
      instances.map(async ({ scheduler, worker }) => {
        for (let idle = 0; idle < 3; ) {
          const timers = await scheduler.runOnce();
          fired.push(...timers.map((t) => t.key));
          const round = await worker.runOnce();
          idle = timers.length === 0 && round.claimed === 0 ? idle + 1 : 0;
        }
      }),
    );

    const expectedTimers = DISPUTES * TIMERS_PER_DISPUTE;
    expect(fired).toHaveLength(expectedTimers);
    expect(new Set(fired).size).toBe(expectedTimers);
    const audit = await first.db
      .selectFrom('audit')
      .select('event')
      .where('event_type', '=', 'timer-fired')
      .execute();
    expect(audit).toHaveLength(expectedTimers);

    const expectedEffects = DISPUTES * (1 + TIMERS_PER_DISPUTE); // welcome + one email per timer
    expect(sink.performs.size).toBe(expectedEffects);
    expect([...sink.performs.values()].every((count) => count === 1)).toBe(true);
    const pending = await first.db.selectFrom('outbox').select('key').where('status', '!=', 'done').execute();
    expect(pending).toEqual([]);
    const byWorker = await first.db
      .selectFrom('timers')
      .select(['locked_by'])
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .groupBy('locked_by')
      .execute();
    // Both instances did some of the work.
    expect(byWorker.length).toBe(2);
    console.log(
      `two instances: ${expectedTimers} timers, ${expectedEffects} effects in ${Date.now() - start.getTime()} ms;`,
      byWorker.map((r) => `${r.locked_by}=${r.n}`).join(' '),
    );
  });
});
