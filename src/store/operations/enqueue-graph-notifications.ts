/**
 * Adds accepted Graph notifications to the durable queue (`graph_notifications`, migration 0004),
 * unless it already holds `capacity` rows: then nothing is added and the answer is `full` (the
 * webhook answers 503 with Retry-After, so Graph delivers them again later).
 *
 * One statement, so the webhook's ack costs one round trip: the rows are inserted only if the room
 * check (a count that reads at most `capacity` rows) passes. Concurrent adds each see the count
 * before the others commit, so the table can pass `capacity` by at most one request's items per
 * concurrent request; it never grows without bound. A key already queued is not added twice: its
 * `generation` is bumped instead, so a worker that is on it right now runs it once more.
 */
import { sql } from 'kysely';
import { type Db, json, type QueueTableName } from '../schema.ts';

export async function enqueueGraphNotifications(
  db: Db,
  options: {
    readonly items: readonly { readonly key: string; readonly job: unknown }[];
    readonly capacity: number;
    readonly now: Date;
    readonly table?: QueueTableName;
  },
): Promise<'queued' | 'full'> {
  const table = options.table ?? 'graph_notifications';
  const unique = [...new Map(options.items.map((item) => [item.key, item] as const)).values()];
  if (unique.length === 0) return 'queued';
  const { capacity, now } = options;
  const rows = unique.map(
    (item) => sql`(${item.key}::text, ${json(item.job)}::jsonb, ${now}::timestamptz, ${now}::timestamptz)`,
  );
  const result = await sql<{ key: string }>`
    insert into ${sql.table(table)} (key, job, next_attempt_at, created_at)
    select v.key, v.job, v.next_attempt_at, v.created_at
    from (values ${sql.join(rows)}) as v(key, job, next_attempt_at, created_at)
    where (select count(*) from (select 1 from ${sql.table(table)} limit ${capacity}) as queued)
          + ${unique.length} <= ${capacity}
    on conflict (key) do update set generation = ${sql.ref(`${table}.generation`)} + 1
    returning key`.execute(db);
  return result.rows.length > 0 ? 'queued' : 'full';
}
