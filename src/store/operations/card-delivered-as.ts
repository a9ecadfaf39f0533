/** The activity id a `send-card` effect key was delivered as, or null when it was not (yet). */
import type { Db } from '../schema.ts';

export async function cardDeliveredAs(db: Db, effectKey: string): Promise<string | null> {
  const row = await db
    .selectFrom('card_deliveries')
    .select('activity_id')
    .where('effect_key', '=', effectKey)
    .executeTakeFirst();
  return row?.activity_id ?? null;
}
