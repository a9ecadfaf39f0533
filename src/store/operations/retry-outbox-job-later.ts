/** Releases a failed outbox row held by `workerId` for another attempt at `nextAttemptAt`. */
import type { Db } from '../schema.ts';

export async function retryOutboxJobLater(
  trx: Db,
  job: {
    readonly key: string;
    readonly workerId: string;
    readonly error: string;
    readonly nextAttemptAt: Date;
  },
): Promise<void> {
  await trx
    .updateTable('outbox')
    .set({ next_attempt_at: job.nextAttemptAt, last_error: job.error, locked_by: null, locked_until: null })
    .where('key', '=', job.key)
    .where('locked_by', '=', job.workerId)
    .execute();
}
