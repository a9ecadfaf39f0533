/**
 * Filling a store quickly: a few disputes raised for real through `applyEvent`, then copies of one
 * of them made in SQL (`generate_series`), every column carried over whatever the schema version.
 */
import { sql } from 'kysely';
import type { DisputeEvent, PersonRef } from '../../src/domain/dispute/types.ts';
import type { DisputeService } from '../../src/runtime/dispute-service.ts';
import type { Store } from '../../src/store/open-store.ts';

export type RaisedEvent = Extract<DisputeEvent, { type: 'raised' }>;

export function raisedBy(by: PersonRef, id: string, counterpartOrganisationId: string): RaisedEvent {
  return {
    type: 'raised',
    disputeId: id,
    by,
    immediateRiskChecked: true,
    // A digit and one lower-case word at most: not name-shaped (`looksLikeName`), so no confirmation is asked.
    caseReference: `BENCH-2026-${id}`,
    raisingOrganisationId: by.organisationId,
    counterpartOrganisationId,
    category: 'drift-and-delay',
    details: {
      issue: 'Transition plan not agreed.',
      informalAttempts: 'Two calls.',
      resolutionSought: 'A date.',
    },
  };
}

export async function raise(service: DisputeService, event: RaisedEvent) {
  const result = await service.applyEvent(event.disputeId, event, { source: 'teams', procedureId: 'ane' });
  if (!result.ok) throw new Error(`seed raise refused: ${result.refusal.reason}`);
  return result;
}

async function columnsOf(store: Store, table: string): Promise<string[]> {
  const rows = await sql<{ column_name: string }>`
    select column_name from information_schema.columns
    where table_name = ${table} and table_schema = current_schema()
    order by ordinal_position`.execute(store.db);
  return rows.rows.map((r) => r.column_name);
}

/**
 * Copies dispute `templateId` (and its pending timers, due at `timerDueAt` if given) `count` times
 * as `${prefix}-${from}` … `${prefix}-${from + count - 1}`. The copies are open disputes.
 */
export async function cloneDisputes(
  store: Store,
  options: {
    templateId: string;
    prefix: string;
    from: number;
    count: number;
    timerDueAt?: Date;
  },
): Promise<void> {
  const { templateId, prefix, from, count } = options;
  if (count <= 0) return;
  const to = from + count - 1;
  const cols = await columnsOf(store, 'disputes');
  const select = cols.map((c) => {
    if (c === 'id') return sql`${prefix} || '-' || g`;
    if (c === 'state') return sql`jsonb_set(state, '{id}', to_jsonb(${prefix} || '-' || g))`;
    if (c === 'case_reference') return sql`${prefix} || '-' || g`;
    if (c === 'created_at') return sql`created_at - make_interval(secs => g)`;
    return sql.ref(c);
  });
  const chunk = 20_000;
  for (let a = from; a <= to; a += chunk) {
    const b = Math.min(to, a + chunk - 1);
    await sql`insert into disputes (${sql.join(cols.map((c) => sql.ref(c)))})
      select ${sql.join(select)} from disputes, generate_series(${a}::int, ${b}::int) g
      where id = ${templateId}`.execute(store.db);
    if (options.timerDueAt) {
      const timerCols = await columnsOf(store, 'timers');
      const tsel = timerCols.map((c) => {
        if (c === 'key') return sql`key || '@' || ${prefix} || '-' || g`;
        if (c === 'dispute_id') return sql`${prefix} || '-' || g`;
        if (c === 'due_at') return sql`${options.timerDueAt}::timestamptz`;
        return sql.ref(c);
      });
      await sql`insert into timers (${sql.join(timerCols.map((c) => sql.ref(c)))})
        select ${sql.join(tsel)} from timers, generate_series(${a}::int, ${b}::int) g
        where dispute_id = ${templateId} and fired_at is null and cancelled_at is null`.execute(store.db);
    }
  }
  await sql`analyze disputes`.execute(store.db);
  await sql`analyze timers`.execute(store.db);
}
