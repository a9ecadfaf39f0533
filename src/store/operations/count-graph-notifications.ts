/** How many jobs a durable queue holds (claimed or not): Graph notifications by default. */
import type { Db, QueueTableName } from '../schema.ts';

export async function countGraphNotifications(
  db: Db,
  options: { readonly table?: QueueTableName } = {},
): Promise<number> {
  const table = (options.table ?? 'graph_notifications') as 'graph_notifications';
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
