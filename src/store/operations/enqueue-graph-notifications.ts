/**
 * Adds accepted Graph notifications to the durable queue (`graph_notifications`, migration 0004),
 * unless it already holds `capacity` rows: then nothing is added and the answer is `full` (the
 * webhook answers 503 with Retry-After, so Graph delivers them again later).
 *
 * `enqueueGraphNotificationGroups` stores several webhook requests' items (groups) in one statement,
 * so a burst costs one round trip per group commit rather than one per request
 * (src/store/adapters/notification-queue.ts): each group is wholly queued or wholly refused, in
 * order, as long as the room left (`capacity` minus the rows queued, read in the same statement)
 * holds the items of that group and of every group before it. The count reads at most `capacity`
 * rows. Concurrent statements each see the count before the others commit, so the table can pass
 * `capacity` by at most one statement's items per concurrent statement; it never grows without
 * bound. A key already queued is not added twice: its `generation` is bumped instead, so a worker
 * that is on it right now runs it once more. A key named by several groups of one statement is
 * stored once, with the first group that names it (a later group is admitted only if that one is).
 */
import { sql } from 'kysely';
import { type Db, json, type QueueTableName } from '../schema.ts';

export type EnqueueItem = { readonly key: string; readonly job: unknown };

export async function enqueueGraphNotificationGroups(
  db: Db,
  options: {
    readonly groups: readonly { readonly items: readonly EnqueueItem[]; readonly now: Date }[];
    readonly capacity: number;
    readonly table?: QueueTableName;
  },
): Promise<('queued' | 'full')[]> {
  const table = options.table ?? 'graph_notifications';
  const { capacity } = options;
  const seen = new Set<string>();
  const rows: { item: EnqueueItem; now: Date; group: number }[] = [];
  /** Items of each group and every group before it (new keys only). */
  const upTo: number[] = [];
  options.groups.forEach((group, g) => {
    for (const item of group.items) {
      if (seen.has(item.key)) continue;
      seen.add(item.key);
      rows.push({ item, now: group.now, group: g });
    }
    upTo.push(rows.length);
  });
  if (rows.length === 0) return upTo.map(() => 'queued');
  const values = rows.map(
    ({ item, now, group }) =>
      sql`(${item.key}::text, ${json(item.job)}::jsonb, ${now}::timestamptz, ${upTo[group]}::int)`,
  );
  const result = await sql<{ room: number }>`
    with room as (
      select ${capacity}::int - count(*)::int as n
      from (select 1 from ${sql.table(table)} limit ${capacity}) as queued
    ), added as (
      insert into ${sql.table(table)} (key, job, next_attempt_at, created_at)
      select v.key, v.job, v.at, v.at
      from (values ${sql.join(values)}) as v(key, job, at, up_to)
      where v.up_to <= (select n from room)
      on conflict (key) do update set generation = ${sql.ref(`${table}.generation`)} + 1
      returning 1
    )
    select (select n from room) as room, (select count(*) from added)::int as added`.execute(db);
  const room = Number(result.rows[0]?.room ?? 0);
  return upTo.map((n) => (n <= room ? 'queued' : 'full'));
}

/** One request's items: `queued`, or `full` with nothing added. */
export async function enqueueGraphNotifications(
  db: Db,
  options: {
    readonly items: readonly EnqueueItem[];
    readonly capacity: number;
    readonly now: Date;
    readonly table?: QueueTableName;
  },
): Promise<'queued' | 'full'> {
  const [outcome] = await enqueueGraphNotificationGroups(db, {
    groups: [{ items: options.items, now: options.now }],
    capacity: options.capacity,
    ...(options.table ? { table: options.table } : {}),
  });
  return outcome ?? 'queued';
}
