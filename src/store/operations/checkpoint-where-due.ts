/**
 * PGlite's stand-in for PostgreSQL's checkpointer. PGlite runs no background processes, and was
 * not seen to checkpoint by itself: with 150,000 Graph notifications through the queue, its WAL
 * (`pg_wal`) grew to 213 MB, past max_wal_size, and every start after a crash would replay all of
 * it. With a checkpoint after every 10,000 (about 16 MB of WAL each, so about as often as the rule
 * below has one due), the folder stayed at 56 MB and the WAL at min_wal_size (32 MB,
 * PGLITE_START_OPTIONS).
 *
 * Due as PostgreSQL's checkpointer has them: when a WAL segment's worth (16 MB) was written since
 * the last checkpoint's redo point, or when anything was written (more than the last checkpoint's
 * own record) and that checkpoint is older than checkpoint_timeout (5 minutes by default). The
 * server calls this on PGlite only; on PostgreSQL the checkpointer does it.
 */
import { sql } from 'kysely';
import type { Db } from '../schema.ts';

/** One WAL segment (wal_segment_size's default). */
const SEGMENT_BYTES = 16 * 1024 * 1024;
/** More than a checkpoint's own record: something was written since. */
const SOMETHING_BYTES = 1024;

/** Checkpoints when due; says whether it did. */
export async function checkpointWhereDue(db: Db): Promise<boolean> {
  const { rows } = await sql<{ since: number; age: number; timeout: number }>`
    select (pg_current_wal_insert_lsn() - c.redo_lsn)::float8 as since,
      extract(epoch from now() - c.checkpoint_time)::float8 as age,
      extract(epoch from current_setting('checkpoint_timeout')::interval)::float8 as timeout
    from pg_control_checkpoint() c`.execute(db);
  const row = rows[0];
  if (!row) return false;
  const since = Number(row.since);
  const due = since >= SEGMENT_BYTES || (since > SOMETHING_BYTES && Number(row.age) >= Number(row.timeout));
  if (due) await sql`checkpoint`.execute(db);
  return due;
}
