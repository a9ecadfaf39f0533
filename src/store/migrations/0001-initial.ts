/** Migration 0001: disputes, audit, records, timers, outbox, Graph subscriptions, conversation refs, cache, kv. */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('disputes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('procedure_id', 'text', (c) => c.notNull())
    .addColumn('procedure_version', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('stage_id', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('case_reference', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text')
    .addColumn('state', 'jsonb', (c) => c.notNull())
    .addColumn('next_due', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('disputes_status_next_due')
    .on('disputes')
    .columns(['status', 'next_due'])
    .execute();

  await db.schema
    .createTable('audit')
    .addColumn('dispute_id', 'text', (c) => c.notNull().references('disputes.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('source', 'text', (c) =>
      c.notNull().check(sql`source in ('teams', 'email', 'timer', 'system', 'calendar')`),
    )
    .addColumn('stage_id', 'text')
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('event', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_pkey', ['dispute_id', 'seq'])
    .execute();
  // Append-only: the audit log is evidence. Updates and deletes are refused by the database itself.
  await sql`
    create function audit_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the audit log is append-only';
    end $$`.execute(db);
  await sql`
    create trigger audit_append_only before update or delete on audit
    for each row execute function audit_append_only()`.execute(db);

  await db.schema
    .createTable('records')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('dispute_id', 'text', (c) => c.notNull().references('disputes.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('stage_id', 'text', (c) => c.notNull())
    .addColumn('entry', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('records_dispute').on('records').columns(['dispute_id', 'seq']).execute();

  await db.schema
    .createTable('timers')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('dispute_id', 'text', (c) => c.notNull().references('disputes.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('stage_id', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('fired_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('outcome', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .execute();
  await sql`create index timers_due on timers (due_at) where fired_at is null and cancelled_at is null`.execute(
    db,
  );
  await db.schema.createIndex('timers_dispute').on('timers').column('dispute_id').execute();

  await db.schema
    .createTable('outbox')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('dispute_id', 'text', (c) => c.notNull().references('disputes.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('effect', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'done', 'parked')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('result', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('done_at', 'timestamptz')
    .execute();
  await sql`create index outbox_pending on outbox (next_attempt_at) where status = 'pending'`.execute(db);
  await db.schema.createIndex('outbox_dispute').on('outbox').columns(['dispute_id', 'status']).execute();

  await db.schema
    .createTable('graph_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('mailbox', 'text')
    .addColumn('client_state', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('delta_link', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('conversation_refs')
    .addColumn('person_id', 'text', (c) => c.primaryKey())
    .addColumn('aad_object_id', 'text')
    .addColumn('reference', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('directory_cache')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('directory_cache_pkey', ['kind', 'id'])
    .execute();

  await db.schema
    .createTable('kv')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'kv',
    'directory_cache',
    'conversation_refs',
    'graph_subscriptions',
    'outbox',
    'timers',
    'records',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropTable('audit').execute();
  await sql`drop function audit_append_only()`.execute(db);
  await db.schema.dropTable('disputes').execute();
}
