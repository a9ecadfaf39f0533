/**
 * Claims the right to create (or replace) the Graph subscription of one mailbox and kind until
 * `until`: true when this holder has it (a free slot, an expired claim, or its own claim again).
 * One statement, so two instances racing for the same slot cannot both win.
 */
import type { Db } from '../schema.ts';

export async function claimSubscriptionSlot(
  db: Db,
  slot: { readonly mailbox: string; readonly kind: 'inbox' | 'events' },
  holder: string,
  now: Date,
  until: Date,
): Promise<boolean> {
  const row = await db
    .insertInto('graph_subscription_claims')
    .values({ mailbox: slot.mailbox.toLowerCase(), kind: slot.kind, holder, expires_at: until })
    .onConflict((oc) =>
      oc
        .columns(['mailbox', 'kind'])
        .doUpdateSet({ holder, expires_at: until })
        .where((eb) =>
          eb.or([
            eb('graph_subscription_claims.expires_at', '<=', now),
            eb('graph_subscription_claims.holder', '=', holder),
          ]),
        ),
    )
    .returning('holder')
    .executeTakeFirst();
  return row?.holder === holder;
}
