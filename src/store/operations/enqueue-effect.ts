/**
 * Puts an effect that touches the outside world into the outbox, due at `at` (wall time). The key is
 * the idempotency key: an effect already queued (or done) is never queued again.
 */
import type { Effect } from '../../domain/dispute/types.ts';
import { type Db, json } from '../schema.ts';

export async function enqueueEffect(
  trx: Db,
  entry: {
    readonly disputeId: string;
    readonly effect: Effect & { readonly key: string };
    readonly at: Date;
  },
): Promise<void> {
  await trx
    .insertInto('outbox')
    .values({
      key: entry.effect.key,
      dispute_id: entry.disputeId,
      type: entry.effect.type,
      effect: json(entry.effect),
      status: 'pending',
      next_attempt_at: entry.at,
      locked_by: null,
      locked_until: null,
      last_error: null,
      result: null,
      created_at: entry.at,
      done_at: null,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}
