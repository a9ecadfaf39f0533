/**
 * Small ports the Graph adapters use, owned here. The store engineer's tables can implement them
 * (graph_subscriptions for `SubscriptionStore`); in-memory versions are in memory-ports.ts.
 *
 * Glossary
 * - **watched mailbox**: a host-tenant mailbox that sends dispute email; replies arrive in its inbox.
 * - **subscription**: a Graph change-notification subscription on one watched inbox (replies) or one
 *   convener's events (meeting responses). Outlook resources live at most 10,080 minutes.
 * - **delta link**: the cursor of a delta query on an inbox; the catch-up after missed notifications.
 * - **message index**: internetMessageId / conversationId of every email Concord sent → its dispute.
 */
import type { DisputeEvent, EventSource } from '../domain/dispute/types.ts';

export interface SubscriptionRecord {
  readonly id: string;
  /** `inbox`: replies; `events`: meeting responses. */
  readonly kind: 'inbox' | 'events';
  /** The mailbox address, lower-case. */
  readonly mailbox: string;
  /** The mailbox's Entra object id: notifications name the mailbox by it. */
  readonly mailboxId: string;
  readonly resource: string;
  readonly clientState: string;
  readonly expiresAt: string;
}

/** One mailbox's subscription of one kind: what two instances must not both create. */
export interface SubscriptionSlot {
  readonly mailbox: string;
  readonly kind: SubscriptionRecord['kind'];
}

export interface SubscriptionStore {
  list(): Promise<SubscriptionRecord[]>;
  /** One stored subscription (another instance may have made it). */
  get(id: string): Promise<SubscriptionRecord | undefined>;
  /**
   * Claims the right to create a slot's subscription until `until`: true when `holder` has it. With
   * several instances on one store, only the holder creates; the others wait for its record.
   */
  claim(slot: SubscriptionSlot, holder: string, until: Date): Promise<boolean>;
  release(slot: SubscriptionSlot, holder: string): Promise<void>;
  put(record: SubscriptionRecord): Promise<void>;
  remove(id: string): Promise<void>;
  deltaLink(mailbox: string): Promise<string | undefined>;
  /** Stores the delta link and, with it, the watermark a resync starts from (an ISO instant). */
  setDeltaLink(mailbox: string, link: string, watermark?: string): Promise<void>;
  /** Messages received before this instant have all been seen (undefined: never synced). */
  watermark(mailbox: string): Promise<string | undefined>;
}

export interface MessageRef {
  readonly disputeId: string;
  readonly stageId?: string;
}

export interface MessageIndex {
  /** The dispute an email Concord sent belongs to, by its internetMessageId or conversationId. */
  lookup(key: {
    readonly internetMessageId?: string;
    readonly conversationId?: string;
  }): Promise<MessageRef | undefined>;
  /** True when `internetMessageId` is an email Concord itself sent (a copy in a watched inbox). */
  isOwn(internetMessageId: string): Promise<boolean>;
  remember(entry: {
    readonly internetMessageId: string;
    readonly conversationId?: string;
    readonly disputeId: string;
    readonly stageId?: string;
  }): Promise<void>;
}

/** Where adapter-observed events go: the runtime's `applyEvent`, with the source recorded in the audit. */
export interface DisputeEventSink {
  emit(disputeId: string, event: DisputeEvent, source: EventSource): Promise<void>;
}

/** The calendar events Concord booked, by event id → dispute (for response tracking). */
export interface MeetingIndex {
  lookup(
    eventId: string,
  ): Promise<{ readonly disputeId: string; readonly convener: string; readonly end: string } | undefined>;
  remember(entry: {
    readonly eventId: string;
    readonly disputeId: string;
    readonly convener: string;
    readonly end: string;
  }): Promise<void>;
  forget(eventId: string): Promise<void>;
  /** Every event still tracked (for polling). */
  list(): Promise<
    {
      readonly eventId: string;
      readonly disputeId: string;
      readonly convener: string;
      readonly end: string;
    }[]
  >;
}
