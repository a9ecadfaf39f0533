/** A dispute's audit log in order, as replay needs it: each event with the instant it was decided at. */
import type { DisputeEvent } from '../../domain/dispute/types.ts';
import type { Db } from '../schema.ts';

export async function listAuditEntries(
  db: Db,
  disputeId: string,
): Promise<{ readonly seq: number; readonly at: Date; readonly event: DisputeEvent }[]> {
  return db
    .selectFrom('audit')
    .select(['seq', 'at', 'event'])
    .where('dispute_id', '=', disputeId)
    .orderBy('seq')
    .execute();
}
