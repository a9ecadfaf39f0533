/** Stores (or replaces) the Bot Framework conversation reference Concord keeps for a person. */
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
        .doUpdateSet({ aad_object_id: entry.aadObjectId, reference: value, updated_at: at }),
    )
    .execute();
}
