/**
 * Locks a dispute row for the rest of the transaction (`SELECT … FOR UPDATE`) and returns what the
 * writer needs. Every writer locks the dispute first, then its timers or outbox rows, so two
 * writers cannot deadlock. Null when there is no such dispute.
 */
import type { DisputeState } from '../../domain/dispute/types.ts';
import type { Db } from '../schema.ts';

export async function lockDispute(
  trx: Db,
  disputeId: string,
): Promise<{ readonly version: number; readonly state: DisputeState } | null> {
  const row = await trx
    .selectFrom('disputes')
    .select(['version', 'state'])
    .where('id', '=', disputeId)
    .forUpdate()
    .executeTakeFirst();
  return row ?? null;
}
