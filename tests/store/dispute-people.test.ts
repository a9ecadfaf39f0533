/**
 * "My disputes" reads by person: `disputes.people` holds everyone a dispute involves, kept with the
 * state in the same write, and migration 0004 fills it for disputes stored before it.
 */
import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/dispute/decide.ts';
import type { DisputeState } from '../../src/domain/dispute/types.ts';
import { createDisputeService } from '../../src/runtime/dispute-service.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import type { Store } from '../../src/store/open-store.ts';
import { disputePeople, listDisputeStatesFor, listDisputesFor } from '../../src/store/operations/index.ts';
import { aneContextFor, aneRaise, practitioner, teamManager } from '../runtime/ane-context.ts';
import { ENGINES } from './engines.ts';

const clock = { now: () => new Date('2026-11-23T10:00:00Z') };
const ids = (states: readonly { id: string }[]) => states.map((s) => s.id);

/** Raises ANE dispute `id` for the practitioner and returns its state and the service. */
async function raiseOne(store: Store, id: string) {
  const service = createDisputeService({ store, decide, clock, contextFor: aneContextFor });
  const raised = await service.applyEvent(id, aneRaise(id), { source: 'teams', procedureId: 'ane' });
  if (!raised.ok) throw new Error(raised.refusal.reason);
  return { service, raised: raised.state };
}

/** The Team Manager's decision to escalate to Stage 1. */
async function escalate(
  service: Awaited<ReturnType<typeof raiseOne>>['service'],
  id: string,
  state: DisputeState,
) {
  const escalated = await service.applyEvent(
    id,
    { type: 'decision', by: state.stage.awaiting ?? teamManager, choice: 'escalate' },
    { source: 'teams' },
  );
  if (!escalated.ok) throw new Error(escalated.refusal.reason);
  return escalated.state;
}

for (const engine of ENGINES) {
  describe(`disputes by person on ${engine.name}`, () => {
    let store: Store | undefined;
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    it('lists a dispute for everyone it involves, as it moves on, and for nobody else', async () => {
      store = await engine.open();
      const { service, raised } = await raiseOne(store, 'd-1');
      await service.applyEvent(
        'd-2',
        { ...aneRaise('d-2'), by: teamManager },
        { source: 'teams', procedureId: 'ane' },
      );
      expect(ids(await listDisputesFor(store.db, practitioner.id))).toEqual(['d-1']);
      for (const person of disputePeople(raised)) {
        expect(ids(await listDisputesFor(store.db, person))).toContain('d-1');
      }
      expect(await listDisputesFor(store.db, 'gateshead.nobody')).toEqual([]);

      const escalated = await escalate(service, 'd-1', raised);
      for (const person of disputePeople(escalated)) {
        expect(ids(await listDisputesFor(store.db, person))).toContain('d-1');
      }
    });

    it('reads what the list shows of each dispute, as the state has it, and nothing of its story', async () => {
      store = await engine.open();
      const { service, raised } = await raiseOne(store, 'd-1');
      const s = await escalate(service, 'd-1', raised);
      const [listing] = await listDisputesFor(store.db, practitioner.id);
      expect(listing).toEqual({
        id: s.id,
        procedureId: s.procedureId,
        status: s.status,
        caseReference: s.caseReference,
        formalStartedAt: s.formalStartedAt,
        overallDue: s.overallDue,
        stage: {
          id: s.stage.id,
          startedAt: s.stage.startedAt,
          due: s.stage.due,
          dueDate: s.stage.dueDate,
          phase: s.stage.phase,
          awaiting: s.stage.awaiting,
        },
      });
      // The case's own words (what is in dispute, the resolution sought) are not read for a list.
      const caseWords = Object.values(s.details).filter(
        (v): v is string => typeof v === 'string' && v.length > 10,
      );
      expect(caseWords.length).toBeGreaterThan(1);
      for (const words of caseWords) expect(JSON.stringify(listing)).not.toContain(words.slice(0, 20));
    });

    it('gives the Disputes tab the whole states of the person’s disputes, and no one else’s', async () => {
      store = await engine.open();
      const { service, raised } = await raiseOne(store, 'd-1');
      const other = await service.applyEvent(
        'd-2',
        { ...aneRaise('d-2'), by: teamManager },
        { source: 'teams', procedureId: 'ane' },
      );
      if (!other.ok) throw new Error(other.refusal.reason);
      expect(await listDisputeStatesFor(store.db, practitioner.id)).toEqual([raised]);
      expect(ids(await listDisputeStatesFor(store.db, teamManager.id))).toEqual(
        ids(await listDisputesFor(store.db, teamManager.id)),
      );
      expect(await listDisputeStatesFor(store.db, 'gateshead.nobody')).toEqual([]);
    });

    // Migration 0008: PGlite runs no autovacuum, so with GIN's pending list every dispute saved
    // since the index was made stayed in the list, and the planner read "my disputes" by scanning
    // every dispute instead (at 10,000: 3.7 ms a query against 0.43 once merged).
    it('finds a person’s disputes by the index, however many disputes were saved after it was made', async () => {
      store = await engine.open();
      await raiseOne(store, 'mine-1');
      // 3,000 of other people's, saved after the index (one statement, as a bulk import would).
      await sql`insert into disputes (id, procedure_id, procedure_version, status, stage_id, phase,
          case_reference, owner_id, state, next_due, created_at, updated_at, version, people)
        select 'other-' || g, procedure_id, procedure_version, status, stage_id, phase,
          'other-' || g, owner_id, jsonb_set(state, '{id}', to_jsonb('other-' || g)), next_due,
          created_at - make_interval(secs => g), updated_at, version,
          array['someone-' || (g % 40), 'manager-' || (g % 7)]
        from disputes, generate_series(1, 3000) g where id = 'mine-1'`.execute(store.db);
      await sql`analyze disputes`.execute(store.db);
      const plan = await sql<{ 'QUERY PLAN': string }>`explain select id from disputes
        where people @> array[${practitioner.id}]::text[] order by created_at desc`.execute(store.db);
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain(
        'Bitmap Index Scan on disputes_people',
      );
      const pending = await sql<{ pages: number }>`
        select gin_clean_pending_list('disputes_people'::regclass) as pages`.execute(store.db);
      // Nothing was left pending to merge.
      expect(Number(pending.rows[0]?.pages)).toBe(0);
      expect(ids(await listDisputesFor(store.db, practitioner.id))).toEqual(['mine-1']);
    });

    it('migration 0004 fills the people of disputes stored before it', async () => {
      store = await engine.open({ migrate: false });
      const migrator = new Migrator({
        db: store.db,
        provider: migrationProvider,
        ...(store.schema === null ? {} : { migrationTableSchema: store.schema }),
      });
      expect((await migrator.migrateTo('0003-card-state')).error).toBeUndefined();
      const state = decide(null, aneRaise('old-1'), {
        ...(await aneContextFor({
          disputeId: 'old-1',
          procedureId: 'ane',
          procedureVersion: null,
          state: null,
          raisingOrganisationId: 'ane',
        })),
        now: clock.now().toISOString(),
      });
      if (!state.ok) throw new Error(state.refusal.reason);
      const s = state.state;
      await sql`insert into disputes (id, procedure_id, procedure_version, status, stage_id, phase,
        case_reference, owner_id, state, next_due, created_at, updated_at, version)
        values (${s.id}, ${s.procedureId}, ${s.procedureVersion}, ${s.status}, ${s.stage.id}, ${s.stage.phase},
        ${s.caseReference}, ${s.owner?.id ?? null}, ${JSON.stringify(s)}::jsonb, null, now(), now(), 1)`.execute(
        store.db,
      );
      await migrateToLatest(store);
      for (const person of disputePeople(s)) {
        expect(ids(await listDisputesFor(store.db, person))).toEqual(['old-1']);
      }
      expect(await listDisputesFor(store.db, 'gateshead.nobody')).toEqual([]);
    });
  });
}
