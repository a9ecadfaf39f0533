/**
 * Claims up to `limit` due queued Graph notifications for `workerId`, oldest first, `FOR UPDATE
 * SKIP LOCKED` so concurrent workers never take the same row; a row whose lease ran out (its
 * worker died) is due again. Each claimed row is leased until `now + leaseMs`, `attempts + 1`.
 */
import type { Db, QueueTableName } from '../schema.ts';

export interface ClaimedNotification {
  readonly key: string;
  readonly job: unknown;
  readonly generation: number;
  readonly attempts: number;
}

export async function claimGraphNotifications(
  db: Db,
  options: {
    readonly workerId: string;
    readonly now: Date;
    readonly leaseMs: number;
    readonly limit: number;
    readonly table?: QueueTableName;
  },
): Promise<ClaimedNotification[]> {
  const { workerId, now, leaseMs, limit } = options;
  const table = (options.table ?? 'graph_notifications') as 'graph_notifications';
  // One statement, so a claim is one round trip; the due rows are picked (and locked) once, in a
  // materialised CTE, as PostgreSQL's queue recipe does.
  const rows = await db
    .with(
      (wb) => wb('due').materialized(),
      (qb) =>
        qb
          .selectFrom(table)
          .select('key')
          .where('next_attempt_at', '<=', now)
          .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<=', now)]))
          .orderBy('next_attempt_at')
          .orderBy('key')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
    )
    .updateTable(table)
    .set((eb) => ({
      locked_by: workerId,
      locked_until: new Date(now.getTime() + leaseMs),
      attempts: eb(`${table}.attempts` as 'graph_notifications.attempts', '+', 1),
    }))
    .where('key', 'in', (eb) => eb.selectFrom('due').select('due.key'))
    .returning(['key', 'job', 'generation', 'attempts', 'next_attempt_at'])
    .execute();
  return rows
    .sort((a, b) => a.next_attempt_at.getTime() - b.next_attempt_at.getTime() || (a.key < b.key ? -1 : 1))
    .map((row) => ({ key: row.key, job: row.job, generation: row.generation, attempts: row.attempts }));
}
