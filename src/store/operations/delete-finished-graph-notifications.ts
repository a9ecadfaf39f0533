/**
 * The queue worker's jobs that finished (`done`), deleted in one statement: a row goes only while
 * `workerId` still holds it and its `generation` is the one the worker ran, as
 * `finishGraphNotification` does for one row. Returns the keys deleted; a key not among them was
 * changed again meanwhile (or its claim was lost), and `finishGraphNotification` settles it.
 */
import { sql } from 'kysely';
import type { Db, QueueTableName } from '../schema.ts';

export async function deleteFinishedGraphNotifications(
  db: Db,
  options: {
    readonly workerId: string;
    readonly finished: readonly { readonly key: string; readonly generation: number }[];
    readonly table?: QueueTableName;
  },
): Promise<string[]> {
  const table = options.table ?? 'graph_notifications';
  if (options.finished.length === 0) return [];
  const values = options.finished.map(({ key, generation }) => sql`(${key}::text, ${generation}::int)`);
  const result = await sql<{ key: string }>`
    delete from ${sql.table(table)}
    where locked_by = ${options.workerId}
      and (key, generation) in (select v.key, v.generation from (values ${sql.join(values)}) as v(key, generation))
    returning key`.execute(db);
  return result.rows.map((row) => row.key);
}
