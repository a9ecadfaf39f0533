/**
 * After a failed attempt to fire a timer: counts the attempt, keeps the error, and holds the timer
 * off until `delayFor(attempts)` ms after `wallNow`. Never touches a timer that has fired meanwhile.
 */
import type { Db } from '../schema.ts';

export async function holdOffTimer(
  db: Db,
  options: {
    readonly key: string;
    readonly error: string;
    readonly schedulerId: string;
    readonly wallNow: Date;
    /** The hold-off for the attempt that just failed (1-based). */
    readonly delayFor: (attempt: number) => number;
  },
): Promise<void> {
  const row = await db
    .selectFrom('timers')
    .select('attempts')
    .where('key', '=', options.key)
    .executeTakeFirst();
  const attempts = (row?.attempts ?? 0) + 1;
  await db
    .updateTable('timers')
    .set({
      attempts,
      last_error: options.error.slice(0, 2000),
      locked_by: options.schedulerId,
      locked_until: new Date(options.wallNow.getTime() + options.delayFor(attempts)),
    })
    .where('key', '=', options.key)
    .where('fired_at', 'is', null)
    .execute();
}
