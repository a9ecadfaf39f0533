/**
 * Marks a claimed outbox row done with its result, only while `workerId` still holds it. Returns
 * false when the lease was lost (another worker owns the row now). Call inside the transaction that
 * applies the effect's consequences, after locking the dispute.
 */
import { type Db, json } from '../schema.ts';

export async function completeOutboxJob(
  trx: Db,
  job: { readonly key: string; readonly workerId: string; readonly result: unknown; readonly at: Date },
): Promise<boolean> {
  const marked = await trx
    .updateTable('outbox')
    .set({
      status: 'done',
      done_at: job.at,
      result: job.result === undefined ? null : json(job.result),
      locked_by: null,
      locked_until: null,
      last_error: null,
    })
    .where('key', '=', job.key)
    .where('status', '=', 'pending')
    .where('locked_by', '=', job.workerId)
    .executeTakeFirst();
  return Number(marked.numUpdatedRows) === 1;
}
