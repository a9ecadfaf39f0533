/**
 * The Graph adapters' ports backed by the store, so a restart loses no subscription, delta cursor,
 * sent-message index or booked meeting. Same contracts as the in-memory versions in
 * src/graph/memory-ports.ts.
 */
import type { Selectable } from 'kysely';
import type {
  MeetingIndex,
  MessageIndex,
  MessageRef,
  SubscriptionRecord,
  SubscriptionStore,
} from '../../graph/ports.ts';
import type { Store } from '../open-store.ts';
import { claimSubscriptionSlot, releaseSubscriptionSlot } from '../operations/index.ts';
import type { GraphSubscriptionsTable } from '../schema.ts';

function toRecord(r: Selectable<GraphSubscriptionsTable>): SubscriptionRecord {
  return {
    id: r.id,
    kind: r.kind,
    mailbox: r.mailbox ?? '',
    mailboxId: r.mailbox_id ?? '',
    resource: r.resource,
    clientState: r.client_state,
    expiresAt: new Date(r.expires_at).toISOString(),
  };
}

export function createStoreSubscriptionStore(
  store: Store,
  now: () => Date = () => new Date(),
): SubscriptionStore {
  const { db } = store;
  return {
    async list() {
      const rows = await db.selectFrom('graph_subscriptions').selectAll().orderBy('created_at').execute();
      return rows.map(toRecord);
    },
    async get(id) {
      const row = await db
        .selectFrom('graph_subscriptions')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async put(record) {
      const at = now();
      const fields = {
        kind: record.kind,
        mailbox: record.mailbox.toLowerCase(),
        mailbox_id: record.mailboxId,
        resource: record.resource,
        client_state: record.clientState,
        expires_at: record.expiresAt,
        updated_at: at,
      };
      await db
        .insertInto('graph_subscriptions')
        .values({ id: record.id, ...fields, created_at: at })
        .onConflict((oc) => oc.column('id').doUpdateSet(fields))
        .execute();
    },
    async remove(id) {
      await db.deleteFrom('graph_subscriptions').where('id', '=', id).execute();
    },
    async deltaLink(mailbox) {
      const row = await db
        .selectFrom('delta_links')
        .select('link')
        .where('mailbox', '=', mailbox.toLowerCase())
        .executeTakeFirst();
      return row?.link;
    },
    async setDeltaLink(mailbox, link, watermark) {
      const at = now();
      const fields = { link, updated_at: at, ...(watermark ? { watermark } : {}) };
      await db
        .insertInto('delta_links')
        .values({ mailbox: mailbox.toLowerCase(), ...fields })
        .onConflict((oc) => oc.column('mailbox').doUpdateSet(fields))
        .execute();
    },
    async watermark(mailbox) {
      const row = await db
        .selectFrom('delta_links')
        .select('watermark')
        .where('mailbox', '=', mailbox.toLowerCase())
        .executeTakeFirst();
      return row?.watermark ? new Date(row.watermark).toISOString() : undefined;
    },
    claim: (slot, holder, until) => claimSubscriptionSlot(db, slot, holder, now(), until),
    release: (slot, holder) => releaseSubscriptionSlot(db, slot, holder),
  };
}

export function createStoreMessageIndex(store: Store, now: () => Date = () => new Date()): MessageIndex {
  const { db } = store;
  const toRef = (row: { dispute_id: string; stage_id: string | null }): MessageRef => ({
    disputeId: row.dispute_id,
    ...(row.stage_id ? { stageId: row.stage_id } : {}),
  });
  return {
    async lookup(key) {
      if (key.internetMessageId) {
        const row = await db
          .selectFrom('message_index')
          .select(['dispute_id', 'stage_id'])
          .where('internet_message_id', '=', key.internetMessageId.toLowerCase())
          .executeTakeFirst();
        if (row) return toRef(row);
      }
      if (key.conversationId) {
        // The latest email on a thread decides the stage it belongs to.
        const row = await db
          .selectFrom('message_index')
          .select(['dispute_id', 'stage_id'])
          .where('conversation_id', '=', key.conversationId)
          .orderBy('created_at', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (row) return toRef(row);
      }
      return undefined;
    },
    async isOwn(internetMessageId) {
      const row = await db
        .selectFrom('message_index')
        .select('dispute_id')
        .where('internet_message_id', '=', internetMessageId.toLowerCase())
        .executeTakeFirst();
      return !!row;
    },
    async remember(entry) {
      await db
        .insertInto('message_index')
        .values({
          internet_message_id: entry.internetMessageId.toLowerCase(),
          conversation_id: entry.conversationId ?? null,
          dispute_id: entry.disputeId,
          stage_id: entry.stageId ?? null,
          created_at: now(),
        })
        .onConflict((oc) => oc.column('internet_message_id').doNothing())
        .execute();
    },
  };
}

export function createStoreMeetingIndex(store: Store, now: () => Date = () => new Date()): MeetingIndex {
  const { db } = store;
  const toEntry = (r: { event_id: string; dispute_id: string; convener: string; ends_at: Date }) => ({
    eventId: r.event_id,
    disputeId: r.dispute_id,
    convener: r.convener,
    end: new Date(r.ends_at).toISOString(),
  });
  return {
    async lookup(eventId) {
      const row = await db
        .selectFrom('meeting_index')
        .selectAll()
        .where('event_id', '=', eventId)
        .executeTakeFirst();
      return row ? toEntry(row) : undefined;
    },
    async remember(entry) {
      await db
        .insertInto('meeting_index')
        .values({
          event_id: entry.eventId,
          dispute_id: entry.disputeId,
          convener: entry.convener,
          ends_at: entry.end,
          created_at: now(),
        })
        .onConflict((oc) =>
          oc.column('event_id').doUpdateSet({ convener: entry.convener, ends_at: entry.end }),
        )
        .execute();
    },
    async forget(eventId) {
      await db.deleteFrom('meeting_index').where('event_id', '=', eventId).execute();
    },
    async list() {
      const rows = await db.selectFrom('meeting_index').selectAll().orderBy('ends_at').execute();
      return rows.map(toEntry);
    },
  };
}
