/**
 * Drops card bookkeeping that can never be read again (the retention rule of migration
 * 0003-card-state, applied to rows written since):
 * - a card step remembered while its dispute was open, once the dispute has ended (a step key
 *   starts with the dispute's status, and an ended dispute never reopens, so such a row can never
 *   match the current step again);
 * - a delivery marker whose outbox row is done (a done row is never performed again, so nobody
 *   asks whether it was delivered).
 * Card slots are not pruned: a slot holds only its latest card, which the next card in that slot
 * needs in order to turn it read-only.
 */
import type { Db } from '../schema.ts';

export async function pruneCardState(db: Db): Promise<{ steps: number; deliveries: number }> {
  const steps = await db
    .deleteFrom('card_steps')
    .where('step_key', 'like', 'open|%')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('disputes')
          .select('disputes.id')
          .whereRef('disputes.id', '=', 'card_steps.dispute_id')
          .where('disputes.status', '<>', 'open'),
      ),
    )
    .executeTakeFirst();
  const deliveries = await db
    .deleteFrom('card_deliveries')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('outbox')
          .select('outbox.key')
          .whereRef('outbox.key', '=', 'card_deliveries.effect_key')
          .where('outbox.status', '=', 'done'),
      ),
    )
    .executeTakeFirst();
  return { steps: Number(steps.numDeletedRows), deliveries: Number(deliveries.numDeletedRows) };
}
