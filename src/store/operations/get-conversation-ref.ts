/** The conversation reference kept for a person, or null when they never chatted with the bot. */
import type { Db } from '../schema.ts';

export async function getConversationRef(db: Db, personId: string): Promise<unknown | null> {
  const row = await db
    .selectFrom('conversation_refs')
    .select('reference')
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return row ? row.reference : null;
}
