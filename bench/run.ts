/**
 * `npm run bench`: prints figures for the hot paths. Never asserted in tests; compare runs by eye.
 *  - working-day maths (addWorkingDays) per call
 *  - decide() per event over a whole ANE walk
 */

import { performance } from 'node:perf_hooks';
import { refusalText } from '../src/cards/wording/refusals.ts';
import { addWorkingDays, bundledCalendar } from '../src/domain/calendar/index.ts';
import { decide } from '../src/domain/dispute/decide.ts';
import type { DisputeEvent, DisputeState, PersonRef, RoleResolver } from '../src/domain/dispute/types.ts';
import { getProcedure } from '../src/procedures/index.ts';

function measure(name: string, iterations: number, fn: (i: number) => void): void {
  for (let i = 0; i < Math.min(1000, iterations); i++) fn(i); // warm up
  const start = performance.now();
  for (let i = 0; i < iterations; i++) fn(i);
  const ms = performance.now() - start;
  console.log(
    `${name.padEnd(48)} ${((ms * 1000) / iterations).toFixed(2).padStart(9)} µs/op  (${iterations} ops, ${ms.toFixed(0)} ms)`,
  );
}

const calendar = bundledCalendar('england-and-wales');
const base = Date.parse('2026-01-05T10:00:00Z');
measure('addWorkingDays (20 working days)', 50_000, (i) => {
  addWorkingDays({ calendar, from: new Date(base + (i % 700) * 86_400_000), workingDays: 20 });
});

const ane = getProcedure('ane')!;
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
const ctx = { procedure: ane, calendar, now: '2026-11-23T10:00:00.000Z', resolver };

function walk(): number {
  let state: DisputeState | null = null;
  let events = 0;
  const apply = (event: DisputeEvent) => {
    const r = decide(state, event, ctx);
    if (!r.ok) throw new Error(refusalText(r.refusal));
    state = r.state;
    events++;
  };
  const tm = person('ane', 'team-manager');
  const sm = person('ane', 'service-manager');
  const ad = person('ane', 'assistant-director');
  apply({
    type: 'raised',
    disputeId: 'b',
    by: person('ane', 'practitioner'),
    immediateRiskChecked: true,
    caseReference: 'B-1',
    raisingOrganisationId: 'ane',
    counterpartOrganisationId: 'g',
    category: 'drift-and-delay',
    details: { issue: 'i', informalAttempts: 'a', resolutionSought: 'r' },
  });
  for (const by of [tm, sm]) {
    apply({ type: 'decision', by, choice: 'escalate' });
    apply({ type: 'message-sent', effectKey: 'k', kind: 'statement', internetMessageId: `<m-${by.id}@x>` });
    apply({
      type: 'reply-received',
      internetMessageId: `<r-${by.id}@x>`,
      fromEmail: 'x@g.example',
      text: 'No.',
    });
    apply({ type: 'acknowledged', by, agreed: false });
  }
  for (let stage = 0; stage < 2; stage++) {
    apply({ type: 'decision', by: ad, choice: 'escalate' });
    apply({
      type: 'meeting-booked',
      effectKey: 'k',
      eventId: `e${stage}`,
      start: '2026-12-01T10:00:00.000Z',
      end: '2026-12-01T11:00:00.000Z',
    });
    apply({ type: 'meeting-held', eventId: `e${stage}` });
    apply({
      type: 'outcome-recorded',
      by: ad,
      resolved: stage === 1,
      summary: 'Outcome.',
      minutes: 'Minutes.',
    });
  }
  return events;
}
const perWalk = walk();
measure(`decide: a whole ANE walk (${perWalk} events)`, 2_000, () => walk());

/**
 * The store: `applyEvent` (lock, decide, state + audit + timers + records + outbox in one
 * transaction) on embedded PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
async function benchStore(): Promise<void> {
  const { openStore } = await import('../src/store/open-store.ts');
  const { migrateToLatest } = await import('../src/store/migrate.ts');
  const { createDisputeService } = await import('../src/runtime/dispute-service.ts');
  const targets: { name: string; target: Parameters<typeof openStore>[0] }[] = [
    { name: 'PGlite (in memory)', target: { engine: 'pglite', dataDir: null } },
  ];
  const url = process.env.DATABASE_URL;
  if (url)
    targets.push({ name: 'PostgreSQL', target: { engine: 'postgres', url, schema: `bench_${process.pid}` } });
  for (const { name, target } of targets) {
    const store = await openStore(target);
    try {
      await migrateToLatest(store);
      const service = createDisputeService({
        store,
        decide,
        clock: { now: () => new Date('2026-11-23T10:00:00Z') },
        contextFor: () => ({ procedure: ane, calendar, resolver }),
      });
      const disputes = 100;
      const start = performance.now();
      let events = 0;
      for (let i = 0; i < disputes; i++) {
        const id = `bench-${i}`;
        const tm = person('ane', 'team-manager');
        const steps: DisputeEvent[] = [
          {
            type: 'raised',
            disputeId: id,
            by: person('ane', 'practitioner'),
            immediateRiskChecked: true,
            caseReference: `B-${i}`,
            raisingOrganisationId: 'ane',
            counterpartOrganisationId: 'g',
            category: 'drift-and-delay',
            details: { issue: 'i', informalAttempts: 'a', resolutionSought: 'r' },
          },
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
        for (const event of steps) {
          const result = await service.applyEvent(id, event, { source: 'system', procedureId: 'ane' });
          if (!result.ok) throw new Error(refusalText(result.refusal));
          events++;
        }
      }
      const ms = performance.now() - start;
      console.log(
        `${`applyEvent on ${name}`.padEnd(48)} ${((ms * 1000) / events).toFixed(0).padStart(9)} µs/op  (${events} events, ${(events / (ms / 1000)).toFixed(0)} events/s)`,
      );
    } finally {
      if (target.engine === 'postgres')
        await store.db.schema
          .dropSchema(target.schema ?? '')
          .ifExists()
          .cascade()
          .execute()
          .catch(() => {});
      await store.close();
    }
  }
}

await benchStore();
