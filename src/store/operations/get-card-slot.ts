/** The card last delivered into a slot (a place a card lives: `send-card.slot`), or null. */
import type { Db } from '../schema.ts';

export async function getCardSlot(db: Db, slot: string): Promise<unknown | null> {
  const row = await db.selectFrom('card_slots').select('record').where('slot', '=', slot).executeTakeFirst();
  return row ? row.record : null;
}
