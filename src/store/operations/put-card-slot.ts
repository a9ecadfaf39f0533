/** Records the card now in a slot, replacing the previous one (a slot holds only its latest card). */
import { type Db, json } from '../schema.ts';

export async function putCardSlot(db: Db, slot: string, record: unknown): Promise<void> {
  const text = json(record);
  const at = new Date();
  await db
    .insertInto('card_slots')
    .values({ slot, record: text, updated_at: at })
    .onConflict((oc) => oc.column('slot').doUpdateSet({ record: text, updated_at: at }))
    .execute();
}
