/**
 * The test clock, end to end over HTTP with the real decide and the ANE procedure: advancing by 20
 * working days fires every deadline, in order, each at its own instant, through the same scheduler
 * and outbox worker the polling loops use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, bundledCalendar } from '../../src/domain/calendar/index.ts';
import { decide } from '../../src/domain/dispute/decide.ts';
import { openTestClock } from '../../src/runtime/clock.ts';
import { type Runtime, startRuntime } from '../../src/runtime/runtime.ts';
import { runtimeRoutes } from '../../src/server/runtime-routes.ts';
import { type ConcordServer, createServer } from '../../src/server/server.ts';
import type { Store } from '../../src/store/open-store.ts';
import { ENGINES } from '../store/engines.ts';
import { aneContextFor, aneRaise, teamManager } from './ane-context.ts';
import { createFakeSink } from './fake-sink.ts';

// Monday 23 November 2026, 10:00 London (GMT).
const START = new Date('2026-11-23T10:00:00Z');

for (const engine of ENGINES) {
  describe(`test clock on ${engine.name}`, () => {
    let store: Store | undefined;
    let runtime: Runtime;
    let server: ConcordServer;
    let base: string;
    const sink = createFakeSink();

    beforeAll(async () => {
      // On PostgreSQL a fresh schema (dropped afterwards); PGlite runs in memory.
      if (engine.name === 'postgres') store = await engine.open({ migrate: false });
      runtime = await startRuntime({
        config: { databaseUrl: null, dataDir: '', clock: 'test', nodeEnv: 'test' },
        decide,
        contextFor: aneContextFor,
        performer: sink,
        // The polling loops run too, racing the driver: fired timers are still all reported, in order.
        pollIntervalMs: 10,
        testClockStart: START,
        storeTarget: store ? engine.targetOf(store) : { engine: 'pglite', dataDir: null },
      });
      server = createServer({ routes: runtimeRoutes(runtime) });
      base = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
    });
    afterAll(async () => {
      await server?.close();
      await runtime?.stop();
      await store?.close();
    });

    const post = (body: unknown) =>
      fetch(`${base}/dev/clock`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });

    it('reports now and refuses to go back or take a non-instant', async () => {
      expect(await (await fetch(`${base}/dev/clock`)).json()).toEqual({ now: START.toISOString() });
      for (const bad of [
        { advanceTo: '2026-11-22T00:00:00Z' },
        { advanceTo: 'tomorrow' },
        { advanceTo: '2026-11-30' },
        {},
      ]) {
        const response = await post(bad);
        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: string }).error).toBeTruthy();
      }
      const notJson = await fetch(`${base}/dev/clock`, { method: 'POST', body: '{' });
      expect(notJson.status).toBe(400);
    });

    it('advancing 20 working days fires every ANE deadline in due order, each at its own instant', async () => {
      const { service } = runtime;
      expect(
        (await service.applyEvent('d1', aneRaise('d1'), { source: 'teams', procedureId: 'ane' })).ok,
      ).toBe(true);
      const escalated = await service.applyEvent(
        'd1',
        { type: 'decision', by: teamManager, choice: 'escalate' },
        { source: 'teams' },
      );
      expect(escalated.ok).toBe(true);

      const pending = await runtime.store.db
        .selectFrom('timers')
        .select(['key', 'kind', 'due_at'])
        .where('fired_at', 'is', null)
        .where('cancelled_at', 'is', null)
        .orderBy('due_at')
        .execute();
      expect(pending.map((t) => t.kind)).toEqual(
        expect.arrayContaining([
          'stage-deadline',
          'stage-warning-50',
          'overall-deadline',
          'overall-warning-50',
        ]),
      );

      const twentyOn = addWorkingDays({
        calendar: bundledCalendar('england-and-wales'),
        from: START,
        workingDays: 20,
      });
      expect(twentyOn.dueDate).toBe('2026-12-21');
      const target = new Date(twentyOn.due.getTime() + 1);
      const response = await post({ advanceTo: target.toISOString() });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        now: string;
        fired: { key: string; kind: string; disputeId: string; at: string; dueAt: string; outcome: string }[];
      };
      expect(body.now).toBe(target.toISOString());

      // Every timer that was pending and due by the target fired, once, at its own due instant, in order.
      const dueByTarget = pending.filter((t) => t.due_at <= target);
      expect(body.fired.map((f) => f.key)).toEqual(expect.arrayContaining(dueByTarget.map((t) => t.key)));
      expect(new Set(body.fired.map((f) => f.key)).size).toBe(body.fired.length);
      for (const fired of body.fired) expect(fired.at).toBe(fired.dueAt);
      const instants = body.fired.map((f) => f.at);
      expect([...instants].sort()).toEqual(instants);
      expect(body.fired.map((f) => f.kind)).toContain('stage-deadline');
      expect(body.fired.at(-1)).toMatchObject({
        kind: 'overall-deadline',
        disputeId: 'd1',
        at: twentyOn.due.toISOString(),
      });
      expect(body.fired.every((f) => f.outcome === 'applied')).toBe(true);

      // Nothing is left due, and every effect those timers produced was performed.
      const left = await runtime.store.db
        .selectFrom('timers')
        .select('key')
        .where('fired_at', 'is', null)
        .where('cancelled_at', 'is', null)
        .where('due_at', '<=', target)
        .execute();
      expect(left).toEqual([]);
      const outbox = await runtime.store.db.selectFrom('outbox').select(['key', 'status']).execute();
      expect(outbox.length).toBeGreaterThan(0);
      expect(outbox.filter((row) => row.status !== 'done')).toEqual([]);
      expect(sink.delivered.length).toBe(outbox.length);
      expect(((await (await fetch(`${base}/dev/clock`)).json()) as { now: string }).now).toBe(
        target.toISOString(),
      );
      console.log(
        `${engine.name}: fired ${body.fired.length} timers: ${body.fired.map((f) => `${f.kind}@${f.at}`).join(', ')}`,
      );
    });

    it('keeps its instant in the store, so a restart resumes there', async () => {
      const reopened = await openTestClock(runtime.store, { initial: START });
      expect(reopened.now().toISOString()).toBe(runtime.clock.now().toISOString());
      expect(reopened.now().getTime()).toBeGreaterThan(START.getTime());
    });
  });
}
