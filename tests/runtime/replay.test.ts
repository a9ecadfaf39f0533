/**
 * Replay (src/runtime/replay.ts): many disputes rebuilt from their audit logs, read a chunk at a
 * time, must come out exactly as replaying each one alone does, and as the store holds them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/runtime/clock.ts';
import { createDisputeService, type DisputeService } from '../../src/runtime/dispute-service.ts';
import { createReplayer } from '../../src/runtime/replay.ts';
import type { Store } from '../../src/store/open-store.ts';
import { ENGINES } from '../store/engines.ts';
import { createFakeDecide, fakeContextFor, OWNER, raisedEvent } from './fake-decide.ts';

const T0 = new Date('2026-06-01T09:00:00Z');
const hours = (n: number) => new Date(T0.getTime() + n * 3_600_000);

for (const engine of ENGINES) {
  describe(`replaying many disputes on ${engine.name}`, () => {
    let store: Store;
    let service: DisputeService;
    let now = T0;
    const clock: Clock = { now: () => now };
    const decide = createFakeDecide({ plan: () => [] });
    const ids = Array.from({ length: 7 }, (_, i) => `r-${i}`);
    beforeAll(async () => {
      store = await engine.open();
      service = createDisputeService({ store, decide, contextFor: fakeContextFor, clock, wallClock: clock });
      // r-i is raised at hour i; the even ones are closed two hours after.
      for (const [i, id] of ids.entries()) {
        now = hours(i);
        expect(
          (await service.applyEvent(id, raisedEvent(id), { source: 'teams', procedureId: 'ane' })).ok,
        ).toBe(true);
      }
      for (const [i, id] of ids.entries()) {
        if (i % 2 !== 0) continue;
        now = hours(i + 2);
        expect((await service.applyEvent(id, { type: 'closed', by: OWNER }, { source: 'teams' })).ok).toBe(
          true,
        );
      }
    });
    afterAll(async () => {
      await store?.close();
    });

    it('gives every dispute as the store holds it, reading 3 at a time', async () => {
      const replayer = createReplayer({ store, decide, contextFor: fakeContextFor, chunk: 3 });
      const all = await replayer.replayAll([...ids, 'nobody', ids[0] as string]);
      expect([...all.keys()].sort()).toEqual(ids);
      const stored = await store.db.selectFrom('disputes').select(['id', 'state']).execute();
      for (const row of stored) expect(all.get(row.id)).toEqual(row.state);
    });

    it('gives each as it was at an instant, the same as replaying it alone, and leaves out those not raised by then', async () => {
      const until = hours(3.5);
      const replayer = createReplayer({ store, decide, contextFor: fakeContextFor, chunk: 2 });
      const then = await replayer.replayAll(ids, until);
      // Raised by 03:30: r-0 … r-3. r-0 (closed at 02:00) was closed then; r-2 (closed at 04:00) was not.
      expect([...then.keys()].sort()).toEqual(['r-0', 'r-1', 'r-2', 'r-3']);
      expect(then.get('r-0')?.status).toBe('closed');
      expect(then.get('r-2')?.status).toBe('open');
      for (const id of ids) expect(then.get(id) ?? null).toEqual(await service.replay(id, until));
    });

    it('reads nothing for no disputes', async () => {
      const replayer = createReplayer({ store, decide, contextFor: fakeContextFor });
      expect((await replayer.replayAll([])).size).toBe(0);
    });
  });
}
