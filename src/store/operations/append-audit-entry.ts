/** Appends one accepted event to the audit log (append-only: the database refuses edits). */
import type { DisputeEvent, EventSource } from '../../domain/dispute/types.ts';
import { type Db, json } from '../schema.ts';

export async function appendAuditEntry(
  trx: Db,
  entry: {
    readonly disputeId: string;
    readonly seq: number;
    readonly at: Date;
    readonly source: EventSource;
    readonly stageId: string;
    readonly event: DisputeEvent;
  },
): Promise<void> {
  await trx
    .insertInto('audit')
    .values({
      dispute_id: entry.disputeId,
      seq: entry.seq,
      at: entry.at,
      actor: entry.event.by?.id ?? null,
      source: entry.source,
      stage_id: entry.stageId,
      event_type: entry.event.type,
      event: json(entry.event),
    })
    .execute();
}
