/** One dispute row, read without a lock (null when there is none). */
import type { Db, DisputeRow } from '../schema.ts';

export async function findDispute(db: Db, disputeId: string): Promise<DisputeRow | null> {
  return (await db.selectFrom('disputes').selectAll().where('id', '=', disputeId).executeTakeFirst()) ?? null;
}
