/** The dispute list behind `concord disputes`: one row per dispute, with parked effects counted. */
import { sql } from 'kysely';
import type { Store } from '../open-store.ts';

export interface DisputeListing {
  readonly id: string;
  readonly procedureId: string;
  readonly procedureVersion: string;
  readonly caseReference: string;
  readonly stageId: string;
  readonly phase: string;
  readonly status: string;
  readonly nextDue: string | null;
  /** Open and past its stage's due instant (or marked overdue by decide). */
  readonly overdue: boolean;
  readonly parkedEffects: number;
  readonly pendingEffects: number;
  readonly updatedAt: string;
}

export async function listDisputes(
  store: Store,
  options: { readonly now: Date; readonly overdueOnly?: boolean },
): Promise<DisputeListing[]> {
  const rows = await store.db
    .selectFrom('disputes as d')
    .select([
      'd.id',
      'd.procedure_id',
      'd.procedure_version',
      'd.case_reference',
      'd.stage_id',
      'd.phase',
      'd.status',
      'd.next_due',
      'd.updated_at',
    ])
    .select(sql<boolean>`coalesce((d.state -> 'stage' ->> 'overdue')::boolean, false)`.as('marked_overdue'))
    .select((eb) => [
      eb
        .selectFrom('outbox as o')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('o.dispute_id', '=', 'd.id')
        .where('o.status', '=', 'parked')
        .as('parked'),
      eb
        .selectFrom('outbox as o')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('o.dispute_id', '=', 'd.id')
        .where('o.status', '=', 'pending')
        .as('pending'),
    ])
    .orderBy('d.next_due', (ob) => ob.asc().nullsLast())
    .orderBy('d.id')
    .execute();
  const listings = rows.map((row) => {
    const open = row.status === 'open';
    const overdue =
      open && ((row.next_due !== null && row.next_due < options.now) || row.marked_overdue === true);
    return {
      id: row.id,
      procedureId: row.procedure_id,
      procedureVersion: row.procedure_version,
      caseReference: row.case_reference,
      stageId: row.stage_id,
      phase: row.phase,
      status: row.status,
      nextDue: row.next_due?.toISOString() ?? null,
      overdue,
      parkedEffects: Number(row.parked ?? 0),
      pendingEffects: Number(row.pending ?? 0),
      updatedAt: row.updated_at.toISOString(),
    };
  });
  return options.overdueOnly ? listings.filter((listing) => listing.overdue) : listings;
}
