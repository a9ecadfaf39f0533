import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/runtime/backoff.ts';
import type { Clock } from '../../src/runtime/clock.ts';
import { createDisputeService, type DisputeService } from '../../src/runtime/dispute-service.ts';
import type { EffectPerformer } from '../../src/runtime/effect-performer.ts';
import { createOutboxWorker, DEFAULT_LEASE_MS } from '../../src/runtime/outbox-worker.ts';
import type { Store } from '../../src/store/open-store.ts';
import { ENGINES } from '../store/engines.ts';
import { createFakeDecide, fakeContextFor, raisedEvent } from './fake-decide.ts';
import { createFakeSink, type FakeSink } from './fake-sink.ts';

const T0 = new Date('2026-06-01T09:00:00Z');

function manualClock(start: Date): Clock & { set(d: Date): void; add(ms: number): void } {
  let now = start;
  return { now: () => now, set: (d) => (now = d), add: (ms) => (now = new Date(now.getTime() + ms)) };
}

describe('retryDelayMs', () => {
  const policy = { baseMs: 1000, maxMs: 60_000, maxAttempts: 5 };
  it('is full jitter under an exponential ceiling, capped', () => {
    expect(retryDelayMs({ attempt: 1, policy, random: () => 0.999 })).toBe(999);
    expect(retryDelayMs({ attempt: 4, policy, random: () => 0.5 })).toBe(4000);
    expect(retryDelayMs({ attempt: 30, policy, random: () => 0.999 })).toBe(59_940);
    expect(retryDelayMs({ attempt: 3, policy, random: () => 0 })).toBe(0);
  });
  it('never retries sooner than Retry-After', () => {
    expect(retryDelayMs({ attempt: 1, policy, random: () => 0.5, retryAfterMs: 120_000 })).toBe(120_000);
  });
});

for (const engine of ENGINES) {
  describe(`outbox worker on ${engine.name}`, () => {
    let store: Store;
    let service: DisputeService;
    let sink: FakeSink;
    const wall = manualClock(T0);
    const decide = createFakeDecide({ plan: () => [] });
    let n = 0;
    const raise = async () => {
      n += 1;
      const id = `d-${n}`;
      const result = await service.applyEvent(id, raisedEvent(id), { source: 'teams', procedureId: 'ane' });
      expect(result.ok).toBe(true);
      return id;
    };
    const worker = (
      performer: EffectPerformer,
      extra: Partial<Parameters<typeof createOutboxWorker>[0]> = {},
    ) =>
      createOutboxWorker({
        store,
        service,
        performer,
        wallClock: wall,
        random: () => 0,
        retry: { baseMs: 1000, maxMs: 60_000, maxAttempts: 3 },
        ...extra,
      });
    const row = (key: string) =>
      store.db.selectFrom('outbox').selectAll().where('key', '=', key).executeTakeFirstOrThrow();

    beforeAll(async () => {
      store = await engine.open();
      service = createDisputeService({
        store,
        decide,
        contextFor: fakeContextFor,
        clock: wall,
        wallClock: wall,
      });
    });
    afterAll(async () => {
      await store?.close();
    });
    beforeEach(() => {
      sink = createFakeSink();
    });

    it('performs due effects once, marks them done and feeds their events back through decide', async () => {
      const id = await raise();
      const round = await worker(sink).runOnce();
      expect(round).toEqual({ claimed: 1, done: 1, retried: 0, parked: 0 });
      expect(sink.delivered).toEqual([`${id}:welcome`]);
      const done = await row(`${id}:welcome`);
      expect(done).toMatchObject({
        status: 'done',
        attempts: 1,
        locked_by: null,
        result: { id: `sent:${id}:welcome` },
      });
      expect((await service.get(id))?.informed).toEqual([`${id}:welcome`]);
      const audit = await store.db
        .selectFrom('audit')
        .selectAll()
        .where('dispute_id', '=', id)
        .orderBy('seq')
        .execute();
      expect(audit.map((a) => [a.event_type, a.source])).toEqual([
        ['raised', 'teams'],
        ['message-sent', 'email'],
      ]);
      expect((await worker(sink).runOnce()).claimed).toBe(0);
      expect(sink.performs.get(`${id}:welcome`)).toBe(1);
    });

    it('counts itself in flight from the moment it claims until the effect is settled, so 0 means none of its work is running', async () => {
      const id = await raise();
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      let performing = false;
      const slow: EffectPerformer = {
        async perform(effect, meta) {
          performing = true;
          await gate;
          return sink.perform(effect, meta);
        },
      };
      const w = worker(slow);
      expect(w.inFlight()).toBe(0);
      const round = w.runOnce();
      // The claim is still in the database: its row is already this worker's.
      expect(w.inFlight()).toBe(1);
      while (!performing) await new Promise((r) => setTimeout(r, 1));
      expect(w.inFlight()).toBe(1);
      release();
      expect(await round).toMatchObject({ claimed: 1, done: 1 });
      expect(w.inFlight()).toBe(0);
      expect(sink.delivered).toEqual([`${id}:welcome`]);
    });

    it('backs off, honouring Retry-After, then succeeds', async () => {
      const id = await raise();
      sink.failWith = (_e, meta) =>
        meta.attempt === 1
          ? { ok: false, retryable: true, retryAfterMs: 30_000, error: '429 Too Many Requests' }
          : null;
      const w = worker(sink);
      expect(await w.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
      const waiting = await row(`${id}:welcome`);
      expect(waiting).toMatchObject({
        status: 'pending',
        attempts: 1,
        last_error: '429 Too Many Requests',
        locked_by: null,
      });
      expect(waiting.next_attempt_at.toISOString()).toBe(new Date(T0.getTime() + 30_000).toISOString());
      expect((await w.runOnce()).claimed).toBe(0);
      wall.add(30_000);
      expect(await w.runOnce()).toMatchObject({ claimed: 1, done: 1 });
      expect(await row(`${id}:welcome`)).toMatchObject({ status: 'done', attempts: 2, last_error: null });
    });

    it('parks after maxAttempts and queues a warning card to the owner; parked rows are never claimed', async () => {
      const id = await raise();
      sink.failWith = (effect) =>
        effect.type === 'send-email'
          ? { ok: false, retryable: true, error: '503 Service Unavailable' }
          : null;
      const w = worker(sink);
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        await w.runOnce();
        wall.add(60_000);
      }
      expect(await row(`${id}:welcome`)).toMatchObject({
        status: 'parked',
        attempts: 3,
        last_error: '503 Service Unavailable',
      });
      const notice = await row(`${id}:welcome:parked`);
      expect(notice.effect).toMatchObject({ type: 'send-card', card: 'warning', to: { id: 'p-owner' } });
      await w.drain();
      expect(sink.delivered).toEqual([`${id}:welcome:parked`]);
      expect(sink.performs.get(`${id}:welcome`)).toBe(3);
    });

    it('parks a non-retryable failure at once', async () => {
      const id = await raise();
      sink.failWith = (effect) =>
        effect.type === 'send-email' ? { ok: false, retryable: false, error: '403 Forbidden' } : null;
      expect(await worker(sink).runOnce()).toMatchObject({ claimed: 1, parked: 1 });
      expect(await row(`${id}:welcome`)).toMatchObject({ status: 'parked', attempts: 1 });
      expect(await worker(sink).drain()).toMatchObject({ claimed: 1, done: 1 }); // the owner's notice
    });

    it('after a crash between perform and done, re-performs with the same key once the lease ends', async () => {
      const id = await raise();
      // Worker A performs the effect, then "dies" before recording it done.
      const dying: EffectPerformer = {
        perform: async (effect, meta) => {
          await sink.perform(effect, meta);
          return new Promise(() => {});
        },
      };
      void worker(dying, { workerId: 'A', leaseMs: 10_000 }).runOnce();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(sink.delivered).toEqual([`${id}:welcome`]);
      const b = worker(sink, { workerId: 'B' });
      expect((await b.runOnce()).claimed).toBe(0); // still leased by A
      wall.add(10_000);
      expect(await b.runOnce()).toMatchObject({ claimed: 1, done: 1 });
      expect(sink.performs.get(`${id}:welcome`)).toBe(2);
      expect(sink.delivered.filter((key) => key === `${id}:welcome`)).toHaveLength(1);
      expect(await row(`${id}:welcome`)).toMatchObject({ status: 'done', attempts: 2 });
    });

    it('takes over the claim of a worker that stopped renewing its lease within seconds, not minutes', async () => {
      expect(DEFAULT_LEASE_MS).toBeLessThanOrEqual(15_000);
      const id = await raise();
      // Worker A claims with the default lease and hangs; its first renewal is a third of a lease away.
      const hung: EffectPerformer = { perform: () => new Promise(() => {}) };
      void worker(hung, { workerId: 'A' }).runOnce();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await row(`${id}:welcome`)).toMatchObject({ locked_by: 'A', attempts: 1 });
      const b = worker(sink, { workerId: 'B' });
      expect((await b.runOnce()).claimed).toBe(0);
      wall.add(DEFAULT_LEASE_MS);
      expect(await b.runOnce()).toMatchObject({ claimed: 1, done: 1 });
      expect(await row(`${id}:welcome`)).toMatchObject({ status: 'done', attempts: 2 });
    });

    it('never performs an effect twice at once in one worker whose lease ran out while it was starved', async () => {
      const id = await raise();
      let performs = 0;
      let finish: () => void = () => {};
      const slow: EffectPerformer = {
        perform: async (effect, meta) => {
          performs += 1;
          await new Promise<void>((resolve) => {
            finish = resolve;
          });
          return sink.perform(effect, meta);
        },
      };
      // A heartbeat far slower than the lease: as when the process gets no CPU for a while.
      const a = worker(slow, { workerId: 'A', leaseMs: 1_000, heartbeatMs: 3_600_000 });
      const first = a.runOnce();
      await new Promise((resolve) => setTimeout(resolve, 100));
      wall.add(5_000); // the lease has run out, and A is still performing the effect
      expect((await a.runOnce()).claimed).toBe(0);
      finish();
      expect(await first).toMatchObject({ claimed: 1, done: 1 });
      expect(performs).toBe(1);
      expect(sink.performs.get(`${id}:welcome`)).toBe(1);
    });

    it('never hands a long effect to a second worker while its worker renews the lease', async () => {
      const id = await raise();
      const start = performance.now();
      const base = wall.now().getTime();
      // Real time flowing from the manual clock's instant: leases lapse unless renewed.
      const flowing: Clock = { now: () => new Date(base + (performance.now() - start)) };
      let performs = 0;
      const slow: EffectPerformer = {
        perform: async (effect, meta) => {
          performs += 1;
          await new Promise((resolve) => setTimeout(resolve, 1_500));
          return sink.perform(effect, meta);
        },
      };
      const a = worker(slow, { workerId: 'A', wallClock: flowing, leaseMs: 300, heartbeatMs: 100 });
      const b = worker(sink, { workerId: 'B', wallClock: flowing, leaseMs: 300 });
      const running = a.runOnce();
      let taken = 0;
      while (performance.now() - start < 1_400) {
        taken += (await b.runOnce()).claimed;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(taken).toBe(0);
      expect(await running).toMatchObject({ claimed: 1, done: 1 });
      expect(performs).toBe(1);
      expect(sink.performs.get(`${id}:welcome`)).toBe(1);
      expect(await row(`${id}:welcome`)).toMatchObject({ status: 'done', attempts: 1 });
    });
  });
}
