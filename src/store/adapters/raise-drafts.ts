/** Half-finished raise forms, one per person, kept until they submit or discard them. */
import type { Store } from '../open-store.ts';
import { json } from '../schema.ts';

export interface DraftStore {
  get(personId: string): Promise<Record<string, unknown> | undefined>;
  put(personId: string, draft: Record<string, unknown>): Promise<void>;
  remove(personId: string): Promise<void>;
}

export function createStoreDraftStore(store: Store, now: () => Date = () => new Date()): DraftStore {
  const { db } = store;
  return {
    async get(personId) {
      const row = await db
        .selectFrom('raise_drafts')
        .select('draft')
        .where('person_id', '=', personId)
        .executeTakeFirst();
      return row?.draft;
    },
    async put(personId, draft) {
      const at = now();
      await db
        .insertInto('raise_drafts')
        .values({ person_id: personId, draft: json(draft), updated_at: at })
        .onConflict((oc) => oc.column('person_id').doUpdateSet({ draft: json(draft), updated_at: at }))
        .execute();
    },
    async remove(personId) {
      await db.deleteFrom('raise_drafts').where('person_id', '=', personId).execute();
    },
  };
}
