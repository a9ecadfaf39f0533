/**
 * Migration 0008: the `disputes_people` GIN index (migration 0005) writes each dispute's people
 * straight into the index (`fastupdate = off`), and what its pending list held so far is merged in.
 *
 * With PostgreSQL's default (`fastupdate = on`), a GIN index puts new entries in "a temporary,
 * unsorted list of pending entries", merged "when the table is vacuumed or autoanalyzed, or when
 * gin_clean_pending_list function is called, or if the pending list becomes larger than
 * gin_pending_list_limit" (4 MB); meanwhile "searches must scan the list of pending entries in
 * addition to searching the regular index, and so a large list of pending entries will slow searches
 * significantly" (PostgreSQL's documentation, "GIN Fast Update Technique"). PGlite runs no
 * autovacuum, so every dispute saved after the index was made stayed in the list, and the planner,
 * counting the list's pages into the index's cost, read "my disputes" by scanning every dispute
 * instead: at 10,000 disputes 3.7 ms a query against 0.43 ms once merged (PGlite, one person's 5).
 * Disputes are saved at the pace people work, so writing the index at once costs little.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter index disputes_people set (fastupdate = off)`.execute(db);
  // The index is found by name in the schema the migrations run in (search_path).
  await sql`select gin_clean_pending_list('disputes_people'::regclass)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter index disputes_people reset (fastupdate)`.execute(db);
}
