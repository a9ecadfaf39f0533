/**
 * Claims pending timers due by `now` (domain time), in due order, for `schedulerId` until
 * `leaseUntil` (wall time): a timer held off after a failure, or claimed by a scheduler whose lease
 * has not run out, is skipped, and so is one another scheduler is claiming at this moment
 * (`FOR UPDATE SKIP LOCKED`), so two instances never list the same due timers. Each comes with its
 * dispute's row as it is now, for the scheduler to decide on without reading it again.
 *
 * The lease only spares the work: firing still checks, under the dispute's version, that the timer
 * is pending, so a timer whose lease ran out while its scheduler was still at it fires once.
 */
import { sql } from 'kysely';
import type { DisputeState, TimerKind } from '../../domain/dispute/types.ts';
import { PREPARED } from '../backends.ts';
import type { Db } from '../schema.ts';

export interface ClaimedTimer {
  readonly key: string;
  readonly dispute_id: string;
  readonly kind: TimerKind;
  readonly stage_id: string;
  readonly due_at: Date;
  /** The dispute's row (null only if it vanished, which the schema does not allow). */
  readonly procedure_id: string | null;
  readonly procedure_version: string | null;
  readonly version: number | null;
  readonly state: DisputeState | null;
}

export async function claimDueTimers(
  db: Db,
  options: {
    readonly now: Date;
    readonly wallNow: Date;
    readonly leaseUntil: Date;
    readonly schedulerId: string;
    readonly limit: number;
  },
): Promise<ClaimedTimer[]> {
  const { rows } = await sql<ClaimedTimer>`${sql.raw(PREPARED)}with claimed as (
      update timers set locked_by = ${options.schedulerId}::text, locked_until = ${options.leaseUntil}::timestamptz
      where key = any(array(
        select key from timers
        where fired_at is null and cancelled_at is null and due_at <= ${options.now}::timestamptz
          and (locked_until is null or locked_until <= ${options.wallNow}::timestamptz)
        order by due_at, key
        limit ${options.limit}::int
        for update skip locked))
      returning key, dispute_id, kind, stage_id, due_at)
    select c.key, c.dispute_id, c.kind, c.stage_id, c.due_at,
      d.procedure_id, d.procedure_version, d.version, d.state
    from claimed c left join disputes d on d.id = c.dispute_id
    order by c.due_at, c.key`.execute(db);
  return rows.map((r) => ({ ...r, due_at: new Date(r.due_at) }));
}

/** Gives back timers this scheduler claimed and did not fire (they are due again at once). */
export async function releaseTimers(db: Db, keys: readonly string[], schedulerId: string): Promise<void> {
  if (keys.length === 0) return;
  await db
    .updateTable('timers')
    .set({ locked_by: null, locked_until: null })
    .where('key', 'in', [...keys])
    .where('locked_by', '=', schedulerId)
    .where('fired_at', 'is', null)
    .execute();
}
