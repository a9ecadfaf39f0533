/**
 * Locks one timer that is still pending (`FOR UPDATE SKIP LOCKED`), after its dispute row. Null
 * when another scheduler holds it, or it was fired or cancelled meanwhile.
 */
import type { Db, TimerRow } from '../schema.ts';

export async function lockPendingTimer(trx: Db, key: string): Promise<TimerRow | null> {
  const row = await trx
    .selectFrom('timers')
    .selectAll()
    .where('key', '=', key)
    .where('fired_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  return row ?? null;
}
