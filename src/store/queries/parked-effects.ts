/**
 * Parked effects: side effects (an email, a meeting, a card) that kept failing and were set aside
 * rather than lost. An operator lists them, fixes the cause (a mailbox permission, say), and puts
 * them back in the queue with the same idempotency key, so a retry can never double what did land.
 */
import type { Store } from '../open-store.ts';

export interface ParkedEffect {
  readonly key: string;
  readonly disputeId: string;
  readonly type: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly createdAt: string;
}

export async function listParkedEffects(store: Store): Promise<ParkedEffect[]> {
  const rows = await store.db
    .selectFrom('outbox')
    .select(['key', 'dispute_id', 'type', 'attempts', 'last_error', 'created_at'])
    .where('status', '=', 'parked')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    key: r.key,
    disputeId: r.dispute_id,
    type: r.type,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** Puts one parked effect (or every parked effect of a dispute) back in the queue. Returns how many. */
export async function retryParkedEffects(
  store: Store,
  target: { readonly key: string } | { readonly disputeId: string },
  now: Date,
): Promise<number> {
  let query = store.db
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, locked_by: null, locked_until: null })
    .where('status', '=', 'parked');
  query =
    'key' in target ? query.where('key', '=', target.key) : query.where('dispute_id', '=', target.disputeId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0);
}
