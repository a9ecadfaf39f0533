/** Gives up a claim taken with `claimSubscriptionSlot` (only this holder's). */
import type { Db } from '../schema.ts';

export async function releaseSubscriptionSlot(
  db: Db,
  slot: { readonly mailbox: string; readonly kind: 'inbox' | 'events' },
  holder: string,
): Promise<void> {
  await db
    .deleteFrom('graph_subscription_claims')
    .where('mailbox', '=', slot.mailbox.toLowerCase())
    .where('kind', '=', slot.kind)
    .where('holder', '=', holder)
    .execute();
}
