/** A value from the small `kv` table of singletons (the test clock, the bank-holiday feed). */
import type { Db } from '../schema.ts';

export async function getKvValue(db: Db, key: string): Promise<unknown> {
  const row = await db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}
