/**
 * Pending timers due by `now` (domain time), in due order, skipping those held off after a failure
 * until `wallNow` (wall time) passes their hold-off.
 */
import type { Db } from '../schema.ts';

export async function listDueTimers(
  db: Db,
  options: { readonly now: Date; readonly wallNow: Date; readonly limit: number },
): Promise<{ readonly key: string; readonly dispute_id: string }[]> {
  return db
    .selectFrom('timers')
    .select(['key', 'dispute_id'])
    .where('fired_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .where('due_at', '<=', options.now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', options.wallNow)]))
    .orderBy('due_at')
    .orderBy('key')
    .limit(options.limit)
    .execute();
}
