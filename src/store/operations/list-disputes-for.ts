/**
 * The states of the disputes a person is involved in (`disputes.people`, GIN-indexed), newest
 * first: costs the same whatever the number of other disputes in the store.
 */

import { sql } from 'kysely';
import type { DisputeState } from '../../domain/dispute/types.ts';
import type { Db } from '../schema.ts';

export async function listDisputesFor(db: Db, personId: string): Promise<DisputeState[]> {
  const rows = await db
    .selectFrom('disputes')
    .select('state')
    .where(sql<boolean>`people @> array[${personId}]::text[]`)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((row) => row.state);
}
