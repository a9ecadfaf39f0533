/**
 * Stores the Bot Framework conversation reference Concord keeps for a person, when it differs from
 * the one stored. Every turn offers the sender's reference, but it changes only when their chat does
 * (a new conversation, another serviceUrl): a turn from the same chat writes no row. `activityId`
 * is left out of the comparison: it names the turn, not the chat, and a proactive card needs only
 * the chat, so the stored row keeps the activity id it was written with.
 */
import { sql } from 'kysely';
import { type Db, json } from '../schema.ts';

export async function saveConversationRef(
  db: Db,
  entry: { readonly personId: string; readonly aadObjectId: string | null; readonly reference: unknown },
): Promise<void> {
  const value = json(entry.reference);
  const at = new Date();
  await db
    .insertInto('conversation_refs')
    .values({ person_id: entry.personId, aad_object_id: entry.aadObjectId, reference: value, updated_at: at })
    .onConflict((oc) =>
      oc
        .column('person_id')
        .doUpdateSet({ aad_object_id: entry.aadObjectId, reference: value, updated_at: at })
        .where((eb) =>
          eb.or([
            eb(
              sql`conversation_refs.reference - 'activityId'`,
              'is distinct from',
              sql`excluded.reference - 'activityId'`,
            ),
            eb('conversation_refs.aad_object_id', 'is distinct from', eb.ref('excluded.aad_object_id')),
          ]),
        ),
    )
    .execute();
}
