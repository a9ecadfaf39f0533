/**
 * Migration 0004: Graph subscriptions shared by several Concord instances on one database.
 *
 * - `graph_subscription_claims`: who is creating or replacing the subscription of one mailbox and
 *   kind right now, until when. An instance creates a subscription only while it holds the claim,
 *   and re-reads the stored subscriptions inside it, so two instances never make two of them.
 * - `delta_links.watermark`: the instant a resync starts from when Graph has dropped the delta
 *   token (410 `SyncStateNotFound`): every message received before it was seen.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('graph_subscription_claims')
    .addColumn('mailbox', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('graph_subscription_claims_pkey', ['mailbox', 'kind'])
    .execute();
  await db.schema.alterTable('delta_links').addColumn('watermark', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('delta_links').dropColumn('watermark').execute();
  await db.schema.dropTable('graph_subscription_claims').execute();
}
