/** The earliest pending timer due after `after` and no later than `until`, if any. */
import type { Db } from '../schema.ts';

export async function nextTimerDue(db: Db, after: Date, until: Date): Promise<Date | null> {
  const row = await db
    .selectFrom('timers')
    .select((eb) => eb.fn.min('due_at').as('next'))
    .where('fired_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .where('due_at', '>', after)
    .where('due_at', '<=', until)
    .executeTakeFirst();
  const next = row?.next as Date | string | null | undefined;
  return next ? new Date(next) : null;
}
