/** Marks a timer fired at `at` (domain time) with its outcome ('applied' or 'refused:<reason>'). */
import type { Db } from '../schema.ts';

export async function markTimerFired(
  trx: Db,
  timer: { readonly key: string; readonly at: Date; readonly outcome: string; readonly schedulerId: string },
): Promise<void> {
  await trx
    .updateTable('timers')
    .set((eb) => ({
      fired_at: timer.at,
      outcome: timer.outcome,
      locked_by: timer.schedulerId,
      locked_until: null,
      attempts: eb('attempts', '+', 1),
    }))
    .where('key', '=', timer.key)
    .execute();
}
