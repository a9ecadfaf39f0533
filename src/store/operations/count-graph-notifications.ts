/** How many Graph notifications are queued (claimed or not). */
import type { Db } from '../schema.ts';

export async function countGraphNotifications(db: Db): Promise<number> {
  const row = await db
    .selectFrom('graph_notifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
