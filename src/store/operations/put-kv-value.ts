/** Stores a singleton value in `kv` under `key`, replacing what was there. */
import { type Db, json } from '../schema.ts';

export async function putKvValue(
  db: Db,
  key: string,
  value: unknown,
  at: Date | string = new Date(),
): Promise<void> {
  const text = json(value);
  await db
    .insertInto('kv')
    .values({ key, value: text, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: text, updated_at: at }))
    .execute();
}
