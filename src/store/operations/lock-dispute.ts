/**
 * Locks a dispute row for the rest of the transaction (`SELECT … FOR UPDATE`) and returns what the
 * writer needs. Every writer locks the dispute first, then its timers or outbox rows, so two
 * writers cannot deadlock. Null when there is no such dispute.
 *
 * `knownVersion`: the version the caller read before the lock (its state in hand). While the row is
 * still at that version the state is not sent again (`state` is then null: use the one in hand),
 * which saves reading and parsing the whole state twice per event (issue 15).
 */
import { sql } from 'kysely';
import type { DisputeState } from '../../domain/dispute/types.ts';
import type { Db } from '../schema.ts';

export interface LockedDispute {
  readonly version: number;
  /** Null only when `knownVersion` was given and the row is still at it. */
  readonly state: DisputeState | null;
}

export async function lockDispute(
  trx: Db,
  disputeId: string,
  knownVersion: number | null = null,
): Promise<LockedDispute | null> {
  const row = await trx
    .selectFrom('disputes')
    .select([
      'version',
      knownVersion === null
        ? sql<DisputeState | null>`state`.as('state')
        : sql<DisputeState | null>`case when version = ${knownVersion} then null else state end`.as('state'),
    ])
    .where('id', '=', disputeId)
    .forUpdate()
    .executeTakeFirst();
  return row ?? null;
}
