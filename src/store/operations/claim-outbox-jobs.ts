/**
 * Claims up to `limit` due outbox rows for `workerId` in one short transaction: pending, due, and
 * not leased (or the lease ran out), `FOR UPDATE SKIP LOCKED` so concurrent workers never claim the
 * same row. Each claimed row gets a lease until `now + leaseMs` and `attempts + 1`.
 *
 * `exclude` names rows the claiming process is still performing: a lease that ran out while its own
 * worker was starved of CPU must not hand the same effect to that worker a second time.
 */
import type { Db, OutboxRow } from '../schema.ts';

export async function claimOutboxJobs(
  db: Db,
  options: {
    readonly workerId: string;
    readonly now: Date;
    readonly leaseMs: number;
    readonly limit: number;
    readonly exclude?: readonly string[];
  },
): Promise<OutboxRow[]> {
  const { workerId, now, leaseMs, limit } = options;
  const exclude = options.exclude ?? [];
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('outbox')
      .select('key')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]));
    if (exclude.length > 0) query = query.where('key', 'not in', exclude);
    const due = await query
      .orderBy('next_attempt_at')
      .orderBy('key')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    return trx
      .updateTable('outbox')
      .set((eb) => ({
        locked_by: workerId,
        locked_until: new Date(now.getTime() + leaseMs),
        attempts: eb('attempts', '+', 1),
      }))
      .where(
        'key',
        'in',
        due.map((row) => row.key),
      )
      .returningAll()
      .execute();
  });
}
