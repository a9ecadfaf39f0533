/**
 * Durable state for the adapters: which email and calendar event belongs to which dispute, the
 * Graph subscriptions with their kind and mailbox id, delta cursors, the procedure versions that
 * running disputes started under, and half-finished raise drafts.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('message_index')
    .addColumn('internet_message_id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text')
    .addColumn('dispute_id', 'text', (c) => c.notNull().references('disputes.id'))
    .addColumn('stage_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('message_index_conversation')
    .on('message_index')
    .column('conversation_id')
    .execute();

  await db.schema
    .createTable('meeting_index')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('dispute_id', 'text', (c) => c.notNull().references('disputes.id'))
    .addColumn('convener', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .alterTable('graph_subscriptions')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('inbox'))
    .execute();
  await db.schema.alterTable('graph_subscriptions').addColumn('mailbox_id', 'text').execute();

  await db.schema
    .createTable('delta_links')
    .addColumn('mailbox', 'text', (c) => c.primaryKey())
    .addColumn('link', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('procedure_versions')
    .addColumn('procedure_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('procedure_versions_pkey', ['procedure_id', 'version'])
    .execute();

  await db.schema
    .createTable('raise_drafts')
    .addColumn('person_id', 'text', (c) => c.primaryKey())
    .addColumn('draft', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`select 1`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'raise_drafts',
    'procedure_versions',
    'delta_links',
    'meeting_index',
    'message_index',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('graph_subscriptions').dropColumn('mailbox_id').execute();
  await db.schema.alterTable('graph_subscriptions').dropColumn('kind').execute();
}
