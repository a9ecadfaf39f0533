/** Remembers which step a card rendered at a dispute's `seq` was for (stale-card detection). */
import type { Db } from '../schema.ts';

export async function rememberCardStep(
  db: Db,
  disputeId: string,
  seq: number,
  stepKey: string,
): Promise<void> {
  await db
    .insertInto('card_steps')
    .values({ dispute_id: disputeId, seq, step_key: stepKey, created_at: new Date() })
    .onConflict((oc) => oc.columns(['dispute_id', 'seq']).doUpdateSet({ step_key: stepKey }))
    .execute();
}
