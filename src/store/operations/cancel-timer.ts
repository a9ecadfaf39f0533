/** Applies a `cancel-timer` effect: a pending timer is cancelled; a fired or cancelled one is left alone. */
import type { Db } from '../schema.ts';

export async function cancelTimer(trx: Db, key: string, at: Date): Promise<void> {
  await trx
    .updateTable('timers')
    .set({ cancelled_at: at })
    .where('key', '=', key)
    .where('fired_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .execute();
}
