/**
 * The oversight report for a period that has ended (`periodFigures` with `statesAsAt` =
 * `DisputeService.replayAll`, as the tab's dashboard and `concord report` run it): every dispute open
 * at the period's end is replayed from its audit log, the logs read 500 disputes at a time. Measured
 * with 1k and 10k open disputes (each raised, decided and its Stage 1 email sent: four audit
 * entries), against the same report for the current period, which reads the stored states and
 * replays nothing.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { DirectoryService } from '../../src/directory/directory-service.ts';
import { bundledCalendar } from '../../src/domain/calendar/index.ts';
import { decide } from '../../src/domain/dispute/decide.ts';
import type { PersonRef, RoleResolver } from '../../src/domain/dispute/types.ts';
import { getProcedure, loadProcedures } from '../../src/procedures/index.ts';
import { periodFigures } from '../../src/report/report.ts';
import { createDisputeService } from '../../src/runtime/dispute-service.ts';
import type { Store, StoreTarget } from '../../src/store/open-store.ts';
import { cloneDisputes, raisedBy } from '../lib/seed.ts';
import { fmt, type Row } from '../lib/stats.ts';
import { withStore } from './store.ts';

export interface ReportSizes {
  /** Open disputes in the store, one figure each (e.g. 1,000 and 10,000). */
  readonly disputes: readonly number[];
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
const directory = {
  calendar: () => calendar,
  organisation: (id: string) => ({ id, name: id }),
} as unknown as Pick<DirectoryService, 'calendar' | 'organisation'>;

/** Raised on Monday 11 January 2027; the past period is that January, read on 1 March. */
const RAISED_AT = new Date('2027-01-11T10:00:00Z');
const NOW = new Date('2027-03-01T10:00:00Z');

/** Copies every audit entry of `templateId` to the clones `${prefix}-${from}` … (their own dispute id in a raise). */
async function cloneAudit(store: Store, templateId: string, prefix: string, from: number, count: number) {
  const to = from + count - 1;
  const chunk = 20_000;
  for (let a = from; a <= to; a += chunk) {
    const b = Math.min(to, a + chunk - 1);
    await sql`insert into audit (dispute_id, seq, at, actor, source, stage_id, event_type, event)
      select ${prefix} || '-' || g, seq, at, actor, source, stage_id, event_type,
        case when event_type = 'raised' then jsonb_set(event, '{disputeId}', to_jsonb(${prefix} || '-' || g)) else event end
      from audit, generate_series(${a}::int, ${b}::int) g
      where dispute_id = ${templateId}`.execute(store.db);
  }
  await sql`analyze audit`.execute(store.db);
}

export async function benchReport(engine: string, target: StoreTarget, sizes: ReportSizes): Promise<Row[]> {
  return withStore(target, async (store) => {
    const now = { value: RAISED_AT };
    const service = createDisputeService({
      store,
      decide,
      clock: { now: () => now.value },
      contextFor: () => ({ procedure: ane as NonNullable<typeof ane>, calendar, resolver }),
    });
    const tm = person('ane', 'team-manager');
    const id = 'rt-0';
    for (const event of [
      raisedBy(person('ane', 'practitioner'), id, 'g'),
      { type: 'decision' as const, by: tm, choice: 'escalate' as const },
      {
        type: 'message-sent' as const,
        effectKey: 'k',
        kind: 'statement' as const,
        internetMessageId: '<m@x>',
      },
    ]) {
      const r = await service.applyEvent(id, event, { source: 'system', procedureId: 'ane' });
      if (!r.ok)
        throw new Error(`${event.type} refused: ${r.refusal.reason} ${JSON.stringify(r.refusal.params)}`);
    }
    const procedures = loadProcedures();
    const report = async (from: string, to: string, replay: boolean) => {
      const start = performance.now();
      await periodFigures({
        store,
        directory,
        procedures,
        now: NOW,
        from,
        to,
        ...(replay ? { statesAsAt: (ids: readonly string[], at: Date) => service.replayAll(ids, at) } : {}),
      });
      return performance.now() - start;
    };
    const rows: Row[] = [];
    let have = 1;
    for (const n of [...sizes.disputes].sort((x, y) => x - y)) {
      await cloneDisputes(store, { templateId: id, prefix: 'r', from: have, count: n - have });
      await cloneAudit(store, id, 'r', have, n - have);
      have = n;
      await report('2027-01-01', '2027-01-31', true); // warm
      const past = await report('2027-01-01', '2027-01-31', true);
      const current = await report('2027-03-01', '2027-03-31', false);
      rows.push({
        figure: `report for a past period, ${fmt(n, 0)} open disputes replayed (ms)`,
        engine,
        value: fmt(past, 0),
        reference: `${fmt(current, 0)} ms (current period, no replay)`,
        ratio: `${fmt(past / current, 1)}×; ${fmt(past / n, 2)} ms a dispute`,
        target: '',
        met: null,
      });
    }
    return rows;
  });
}
