/** The heartbeat: extends `workerId`'s leases on queued Graph notifications; returns the keys renewed. */
import type { Db, QueueTableName } from '../schema.ts';

export async function renewGraphNotificationLeases(
  db: Db,
  options: {
    readonly workerId: string;
    readonly keys: readonly string[];
    readonly now: Date;
    readonly leaseMs: number;
    readonly table?: QueueTableName;
  },
): Promise<string[]> {
  const table = (options.table ?? 'graph_notifications') as 'graph_notifications';
  if (options.keys.length === 0) return [];
  const rows = await db
    .updateTable(table)
    .set({ locked_until: new Date(options.now.getTime() + options.leaseMs) })
    .where('key', 'in', [...options.keys])
    .where('locked_by', '=', options.workerId)
    .returning('key')
    .execute();
  return rows.map((row) => row.key);
}
