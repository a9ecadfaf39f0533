/** Writes a `record` effect to the case record, once per key. */
import type { RecordEntry } from '../../domain/dispute/types.ts';
import { type Db, json } from '../schema.ts';

export async function writeRecordEntry(
  trx: Db,
  record: {
    readonly key: string;
    readonly disputeId: string;
    readonly seq: number;
    readonly entry: RecordEntry;
  },
): Promise<void> {
  await trx
    .insertInto('records')
    .values({
      key: record.key,
      dispute_id: record.disputeId,
      seq: record.seq,
      at: record.entry.at,
      stage_id: record.entry.stageId,
      entry: json(record.entry),
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}
