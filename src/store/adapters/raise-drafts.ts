/**
 * Half-finished raise forms, one per person, kept until they submit or discard them.
 *
 * A draft's writes commit without waiting for the WAL to reach the disk (`synchronous_commit` off
 * for that statement's own transaction only, through `set_config(..., true)` in the statement): a
 * turn that only answers a wizard question does not wait for an fsync (issue 15: on PostgreSQL
 * that wait was most of the immediate-risk answer's cost, 1.2-1.3 ms at p50 and about 4 ms at p90
 * on a loaded machine, against 0.1-0.3 and 0.3-1.4). PostgreSQL's documented trade-off: a server
 * crash may lose the last fraction of a second of such commits, as if they had been rolled back,
 * never anything else. A draft is a convenience the person can re-enter; a dispute's state, audit
 * and outbox (`applyEvent`) still commit durably, and a durable commit carries every earlier one.
 */
import { sql } from 'kysely';
import { PREPARED } from '../backends.ts';
import type { Store } from '../open-store.ts';
import { json } from '../schema.ts';

export interface DraftStore {
  get(personId: string): Promise<Record<string, unknown> | undefined>;
  put(personId: string, draft: Record<string, unknown>): Promise<void>;
  remove(personId: string): Promise<void>;
}

export function createStoreDraftStore(store: Store, now: () => Date = () => new Date()): DraftStore {
  const { db } = store;
  return {
    async get(personId) {
      const { rows } = await sql<{ draft: Record<string, unknown> }>`${sql.raw(PREPARED)}select draft
        from raise_drafts where person_id = ${personId}::text`.execute(db);
      return rows[0]?.draft;
    },
    async put(personId, draft) {
      const at = now();
      await sql`${sql.raw(PREPARED)}insert into raise_drafts (person_id, draft, updated_at)
        select ${personId}::text, ${json(draft)}::jsonb, ${at}::timestamptz
        from (select set_config('synchronous_commit', 'off', true)) as without_fsync
        on conflict (person_id) do update set draft = excluded.draft, updated_at = excluded.updated_at`.execute(
        db,
      );
    },
    async remove(personId) {
      await sql`delete from raise_drafts
        using (select set_config('synchronous_commit', 'off', true)) as without_fsync
        where person_id = ${personId}::text`.execute(db);
    },
  };
}
