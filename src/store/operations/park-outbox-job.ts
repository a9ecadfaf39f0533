/** Sets a failed outbox row held by `workerId` aside as `parked`, with its last error. */
import type { Db } from '../schema.ts';

export async function parkOutboxJob(
  trx: Db,
  job: { readonly key: string; readonly workerId: string; readonly error: string },
): Promise<void> {
  await trx
    .updateTable('outbox')
    .set({ status: 'parked', last_error: job.error, locked_by: null, locked_until: null })
    .where('key', '=', job.key)
    .where('locked_by', '=', job.workerId)
    .execute();
}
