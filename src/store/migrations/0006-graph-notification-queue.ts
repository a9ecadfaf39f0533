/**
 * Migration 0004: the durable queue of accepted Graph change notifications.
 *
 * The webhook validates a notification, adds it here and answers 202; a worker drains the table
 * off the request path (src/graph/work-queue.ts). One row per pending piece of work, keyed by what
 * it is about (`m|mailbox|message id`, `e|mailbox|event id|change type`, `l|subscription|event`), so
 * a notification Graph delivers twice is queued once. `generation` counts the notifications folded
 * into the row: one that arrives while the row is being worked on bumps it, and the worker then
 * runs the row again instead of deleting it, so no change is missed. A row is deleted once done.
 * The queue is bounded (the webhook refuses with 503 and Retry-After when it is full).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('graph_notifications')
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
  await db.schema
    .createIndex('graph_notifications_due')
    .on('graph_notifications')
    .columns(['next_attempt_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('graph_notifications').execute();
}
