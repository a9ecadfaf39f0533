/**
 * Claims up to `limit` due outbox rows for `workerId` in one short transaction: pending, due, and
 * not leased (or the lease ran out), `FOR UPDATE SKIP LOCKED` so concurrent workers never claim the
 * same row. Each claimed row gets a lease until `now + leaseMs` and `attempts + 1`.
 */
import type { Db, OutboxRow } from '../schema.ts';

export async function claimOutboxJobs(
  db: Db,
  options: {
    readonly workerId: string;
    readonly now: Date;
    readonly leaseMs: number;
    readonly limit: number;
  },
): Promise<OutboxRow[]> {
  const { workerId, now, leaseMs, limit } = options;
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('outbox')
      .select('key')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
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
