/**
 * Migration 0005: `disputes.people`, the ids of everyone a dispute involves (who raised it, its
 * owner, whoever it is waiting on, and every participant), with a GIN index, so that "my disputes"
 * and every per-person view read only that person's rows instead of every dispute's state. It is
 * written with the state, in the same statement (`saveDispute`), so it can never disagree with it.
 * Existing rows are filled from their stored state.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('disputes')
    .addColumn('people', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
  await sql`
    update disputes set people = array(
      select distinct x from (
        select state #>> '{raisedBy,id}'
        union all select state #>> '{owner,id}'
        union all select state #>> '{stage,awaiting,id}'
        union all select p ->> 'id' from jsonb_array_elements(coalesce(state -> 'participants', '[]'::jsonb)) p
      ) t(x) where x is not null order by x)`.execute(db);
  await sql`create index disputes_people on disputes using gin (people)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists disputes_people`.execute(db);
  await db.schema.alterTable('disputes').dropColumn('people').execute();
}
