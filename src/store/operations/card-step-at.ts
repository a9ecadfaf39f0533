/** The step a card rendered at a dispute's `seq` was for, or null when none is remembered. */
import type { Db } from '../schema.ts';

export async function cardStepAt(db: Db, disputeId: string, seq: number): Promise<string | null> {
  const row = await db
    .selectFrom('card_steps')
    .select('step_key')
    .where('dispute_id', '=', disputeId)
    .where('seq', '=', seq)
    .executeTakeFirst();
  return row?.step_key ?? null;
}
