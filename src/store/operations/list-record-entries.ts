/** A dispute's case-record entries, oldest first (the bot's timeline). */
import type { RecordEntry } from '../../domain/dispute/types.ts';
import type { Db } from '../schema.ts';

export async function listRecordEntries(db: Db, disputeId: string): Promise<RecordEntry[]> {
  const rows = await db
    .selectFrom('records')
    .select(['entry'])
    .where('dispute_id', '=', disputeId)
    .orderBy('seq')
    .orderBy('key')
    .execute();
  return rows.map((row) => row.entry);
}
