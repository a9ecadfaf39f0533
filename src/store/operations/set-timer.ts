/**
 * Applies a `set-timer` effect: inserts the timer, or moves it while it is still pending. A fired or
 * cancelled timer is history and stays as it was.
 */
import type { TimerKind } from '../../domain/dispute/types.ts';
import type { Db } from '../schema.ts';

export async function setTimer(
  trx: Db,
  timer: {
    readonly key: string;
    readonly disputeId: string;
    readonly kind: TimerKind;
    readonly stageId: string;
    readonly dueAt: string;
    readonly createdAt: Date;
  },
): Promise<void> {
  const fields = { kind: timer.kind, stage_id: timer.stageId, due_at: timer.dueAt };
  await trx
    .insertInto('timers')
    .values({
      key: timer.key,
      dispute_id: timer.disputeId,
      created_at: timer.createdAt,
      fired_at: null,
      cancelled_at: null,
      outcome: null,
      locked_by: null,
      locked_until: null,
      last_error: null,
      ...fields,
    })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet(fields)
        .where('timers.fired_at', 'is', null)
        .where('timers.cancelled_at', 'is', null),
    )
    .execute();
}
