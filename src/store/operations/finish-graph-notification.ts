/**
 * Ends `workerId`'s claim on a queued Graph notification.
 * - `done`: the row is deleted, unless another notification for the same key arrived while it was
 *   being worked on (its `generation` moved on): then it is released to be run once more.
 * - `retry`: released for another attempt at `nextAttemptAt`, with the error's kind.
 * - `drop`: deleted after its last attempt failed (the delta catch-up is the safety net).
 * Returns what became of the row; `lost` when the claim had passed to another worker.
 */
import type { Db, QueueTableName } from '../schema.ts';

export async function finishGraphNotification(
  db: Db,
  options: {
    readonly key: string;
    readonly workerId: string;
    readonly generation: number;
    readonly outcome:
      | { readonly kind: 'done' }
      | { readonly kind: 'retry'; readonly nextAttemptAt: Date; readonly error: string }
      | { readonly kind: 'drop' };
    readonly table?: QueueTableName;
  },
): Promise<'deleted' | 'released' | 'lost'> {
  const { key, workerId, generation, outcome } = options;
  const table = (options.table ?? 'graph_notifications') as 'graph_notifications';
  const mine = db.deleteFrom(table).where('key', '=', key).where('locked_by', '=', workerId);
  if (outcome.kind === 'drop') {
    const dropped = await mine.executeTakeFirst();
    return Number(dropped.numDeletedRows) === 1 ? 'deleted' : 'lost';
  }
  if (outcome.kind === 'done') {
    const deleted = await mine.where('generation', '=', generation).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 1) return 'deleted';
  }
  const released = await db
    .updateTable(table)
    .set(
      outcome.kind === 'retry'
        ? {
            locked_by: null,
            locked_until: null,
            next_attempt_at: outcome.nextAttemptAt,
            last_error: outcome.error,
          }
        : // Changed again while it ran: a fresh start for the newer notification.
          { locked_by: null, locked_until: null, attempts: 0, last_error: null },
    )
    .where('key', '=', key)
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(released.numUpdatedRows) === 1 ? 'released' : 'lost';
}
