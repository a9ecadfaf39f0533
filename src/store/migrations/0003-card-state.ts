/**
 * Migration 0003: the bot's card bookkeeping leaves the generic `kv` table for three tables of its
 * own, and rows that can never be read again are dropped.
 *
 * Moved (kv key → table):
 * - `bot:slot:<slot>` → `card_slots`: the card last delivered into each slot.
 * - `bot:step:<dispute>:<seq>` → `card_steps`: the step a card rendered at `seq` was for.
 * - `bot:delivered:<effect key>` → `card_deliveries`: the activity a send-card effect became.
 *
 * Retention (what is kept is exactly what the bot can still ask for):
 * - `card_slots`: every row. A slot holds only its latest card (one row per slot, never one per
 *   event); the next card in the slot needs it to turn the old one read-only, and "open" shows it.
 * - `card_steps`: a dispute's rows are kept while it is open (a card from any earlier `seq` is
 *   still current if the dispute is at the same step). Once a dispute has ended, rows remembered
 *   while it was open (`open|…` step keys) are dropped: a step key starts with the status, an ended
 *   dispute never reopens, so they can never match its step again.
 * - `card_deliveries`: dropped once the effect's outbox row is done, since a done row is never
 *   performed again; kept while it is pending or parked (a retry must still see the delivery).
 * The same rule keeps applying after this migration: `pruneCardState` (src/store/operations) runs
 * with Concord's daily housekeeping.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('card_slots')
    .addColumn('slot', 'text', (c) => c.primaryKey())
    .addColumn('record', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('card_steps')
    .addColumn('dispute_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('step_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('card_steps_pkey', ['dispute_id', 'seq'])
    .execute();
  await db.schema
    .createTable('card_deliveries')
    .addColumn('effect_key', 'text', (c) => c.primaryKey())
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await sql`
    insert into card_slots (slot, record, updated_at)
    select substr(key, 10), value, updated_at from kv where key like 'bot:slot:%'`.execute(db);
  await sql`
    insert into card_steps (dispute_id, seq, step_key, created_at)
    select substring(key from '^bot:step:(.*):[0-9]+$'),
           substring(key from ':([0-9]+)$')::integer,
           value #>> '{}',
           updated_at
    from kv where key ~ '^bot:step:.+:[0-9]+$'`.execute(db);
  await sql`
    insert into card_deliveries (effect_key, activity_id, created_at)
    select substr(key, 15), value #>> '{}', updated_at from kv where key like 'bot:delivered:%'`.execute(db);
  await sql`delete from kv where key like 'bot:slot:%' or key like 'bot:step:%' or key like 'bot:delivered:%'`.execute(
    db,
  );

  await sql`
    delete from card_steps s using disputes d
    where d.id = s.dispute_id and d.status <> 'open' and s.step_key like 'open|%'`.execute(db);
  await sql`
    delete from card_deliveries c using outbox o
    where o.key = c.effect_key and o.status = 'done'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    insert into kv (key, value, updated_at)
    select 'bot:slot:' || slot, record, updated_at from card_slots
    union all
    select 'bot:step:' || dispute_id || ':' || seq, to_jsonb(step_key), created_at from card_steps
    union all
    select 'bot:delivered:' || effect_key, to_jsonb(activity_id), created_at from card_deliveries
    on conflict (key) do nothing`.execute(db);
  for (const table of ['card_deliveries', 'card_steps', 'card_slots']) {
    await db.schema.dropTable(table).execute();
  }
}
