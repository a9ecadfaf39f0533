/** Records the activity a `send-card` effect was delivered as, so a repeat of its key sends nothing. */
import type { Db } from '../schema.ts';

export async function markCardDelivered(db: Db, effectKey: string, activityId: string): Promise<void> {
  await db
    .insertInto('card_deliveries')
    .values({ effect_key: effectKey, activity_id: activityId, created_at: new Date() })
    .onConflict((oc) => oc.column('effect_key').doUpdateSet({ activity_id: activityId }))
    .execute();
}
