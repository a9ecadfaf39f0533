/**
 * In-memory implementations of the Graph ports: for tests and single-process local mode. They lose
 * everything on restart; the Graph side recovers (subscriptions are recreated, delta catches up
 * from scratch), but the message index must be durable in production (see docs/graph.md).
 */
import type {
  MeetingIndex,
  MessageIndex,
  MessageRef,
  SubscriptionRecord,
  SubscriptionStore,
} from './ports.ts';

export function createMemorySubscriptionStore(): SubscriptionStore & {
  readonly records: Map<string, SubscriptionRecord>;
} {
  const records = new Map<string, SubscriptionRecord>();
  const links = new Map<string, string>();
  const watermarks = new Map<string, string>();
  const claims = new Map<string, { holder: string; until: number }>();
  const slotKey = (slot: { mailbox: string; kind: string }) => `${slot.mailbox.toLowerCase()}|${slot.kind}`;
  return {
    records,
    async list() {
      return [...records.values()];
    },
    async get(id) {
      return records.get(id);
    },
    async claim(slot, holder, until) {
      const current = claims.get(slotKey(slot));
      if (current && current.holder !== holder && current.until > Date.now()) return false;
      claims.set(slotKey(slot), { holder, until: until.getTime() });
      return true;
    },
    async release(slot, holder) {
      if (claims.get(slotKey(slot))?.holder === holder) claims.delete(slotKey(slot));
    },
    async put(record) {
      records.set(record.id, record);
    },
    async remove(id) {
      records.delete(id);
    },
    async deltaLink(mailbox) {
      return links.get(mailbox.toLowerCase());
    },
    async setDeltaLink(mailbox, link, watermark) {
      links.set(mailbox.toLowerCase(), link);
      if (watermark) watermarks.set(mailbox.toLowerCase(), watermark);
    },
    async watermark(mailbox) {
      return watermarks.get(mailbox.toLowerCase());
    },
  };
}

export function createMemoryMessageIndex(): MessageIndex {
  const byMessage = new Map<string, MessageRef>();
  const byConversation = new Map<string, MessageRef>();
  return {
    async lookup(key) {
      return (
        (key.internetMessageId ? byMessage.get(key.internetMessageId.toLowerCase()) : undefined) ??
        (key.conversationId ? byConversation.get(key.conversationId) : undefined)
      );
    },
    async isOwn(internetMessageId) {
      return byMessage.has(internetMessageId.toLowerCase());
    },
    async remember(entry) {
      const ref: MessageRef = {
        disputeId: entry.disputeId,
        ...(entry.stageId ? { stageId: entry.stageId } : {}),
      };
      byMessage.set(entry.internetMessageId.toLowerCase(), ref);
      if (entry.conversationId) byConversation.set(entry.conversationId, ref);
    },
  };
}

export function createMemoryMeetingIndex(): MeetingIndex {
  const events = new Map<string, { eventId: string; disputeId: string; convener: string; end: string }>();
  return {
    async lookup(eventId) {
      return events.get(eventId);
    },
    async remember(entry) {
      events.set(entry.eventId, { ...entry });
    },
    async forget(eventId) {
      events.delete(eventId);
    },
    async list() {
      return [...events.values()];
    },
  };
}
