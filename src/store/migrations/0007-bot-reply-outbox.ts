/**
 * Migration 0007: the outbox of the bot's replies in local mode (`bot_replies`), with the same
 * columns as the Graph notification queue (migration 0006) and drained by the same durable queue
 * (src/graph/work-queue.ts). In local mode a turn's replies are stored here and the turn is answered
 * at once; a worker then delivers them to the conversation's serviceUrl, retrying with backoff, so a
 * serviceUrl that refuses connections never holds the turn (it used to, for about 10 s).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('bot_replies')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('job', 'jsonb', (c) => c.notNull())
    .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('bot_replies_due').on('bot_replies').columns(['next_attempt_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('bot_replies').execute();
}
