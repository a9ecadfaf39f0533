/**
 * Keeping change-notification subscriptions alive: one per watched inbox (replies) and one per
 * convener's events (meeting responses).
 *
 * - `ensure` creates what is missing (the POST waits for Graph's validation handshake, so the webhook
 *   must already answer) and renews what expires within `renewWithinMinutes`.
 * - `renewDue` (call it from the scheduler, say hourly) PATCHes `expirationDateTime` forward; a 404
 *   means Graph dropped the subscription, so it is created again.
 * - Lifecycle: `reauthorizationRequired` → renew (which reauthorizes); `subscriptionRemoved` → create
 *   again; `missed` → the caller runs delta catch-up (returned as an action).
 * Each subscription gets a random `clientState` (32 bytes), kept in the store and checked on every
 * notification in constant time.
 *
 * Several instances on one store: the store is the truth, the cache only spares a read. An instance
 * creates a subscription only while it holds the store's claim on that mailbox and kind, and looks
 * in the store again inside the claim, so a second instance adopts the first one's subscription
 * instead of making another; `find` reads the store when a notification names a subscription the
 * cache does not know (another instance made it), and `renewDue` starts from the store.
 *
 * Creating a slot's subscription (the claim, adoption, strays left by a create whose answer was
 * lost) is in `subscription-create.ts` and `subscription-strays.ts`; what Concord asks for (lifetime,
 * resource, the immutable-id mark) in `subscription-rules.ts`.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../log/index.ts';
import { isNotFound } from './errors.ts';
import type { MailboxTask } from './mailbox-health.ts';
import type { SubscriptionRecord, SubscriptionStore } from './ports.ts';
import { createSubscriptionCreator } from './subscription-create.ts';
import { madeWithImmutableIds, SAFE_SUBSCRIPTION_MINUTES } from './subscription-rules.ts';
import type { Listing } from './subscription-strays.ts';

export {
  IMMUTABLE_CLIENT_STATE_MARK,
  MAX_SUBSCRIPTION_MINUTES,
  SAFE_SUBSCRIPTION_MINUTES,
} from './subscription-rules.ts';

export interface SubscriptionManagerOptions {
  readonly client: Client;
  readonly store: SubscriptionStore;
  /** PUBLIC_URL + /api/graph/notifications */
  readonly notificationUrl: string;
  /** PUBLIC_URL + /api/graph/lifecycle */
  readonly lifecycleUrl: string;
  readonly now: () => Date;
  /** Told each mailbox's object id when it is looked up (the limiter takes it as an alias). */
  readonly onMailboxId?: (mailbox: string, id: string) => void;
  readonly log: Logger;
  /** Default and cap 4,200 (70 h): renewals have room to fail and retry before expiry. */
  readonly lifetimeMinutes?: number;
  /** Renew when fewer minutes than this are left. Default 1,440 (1 day). */
  readonly renewWithinMinutes?: number;
  /** How long to wait for another instance that holds a mailbox's claim. Default 60 s. */
  readonly claimWaitMs?: number;
}

export type LifecycleAction =
  | { readonly kind: 'renewed'; readonly record: SubscriptionRecord }
  | { readonly kind: 'recreated'; readonly record: SubscriptionRecord }
  | { readonly kind: 'catch-up'; readonly record: SubscriptionRecord }
  | { readonly kind: 'ignored'; readonly reason: string };

/** A mailbox whose subscription could not be made or renewed; the others carried on. */
export interface SubscriptionFailure {
  readonly mailbox: string;
  readonly task: Extract<MailboxTask, 'inbox' | 'events'>;
  readonly error: unknown;
}

export interface SubscriptionManager {
  /** Loads the store into the cache the webhook reads. Call once at start. */
  load(): Promise<void>;
  /** Each mailbox alone: a failing one is reported in `failures`, never thrown. */
  ensure(
    mailboxes: readonly string[],
    kind: SubscriptionRecord['kind'],
  ): Promise<{ records: SubscriptionRecord[]; failures: SubscriptionFailure[] }>;
  /** Each subscription alone: one failing renewal never stops the others. */
  renewDue(): Promise<{ renewed: number; recreated: number; failures: SubscriptionFailure[] }>;
  onLifecycle(subscriptionId: string, event: string): Promise<LifecycleAction>;
  /** The cached record of a subscription (synchronous: the webhook acks without I/O). */
  get(id: string): SubscriptionRecord | undefined;
  /** The cached record, or else the stored one (another instance made it). */
  find(id: string): Promise<SubscriptionRecord | undefined>;
  list(): SubscriptionRecord[];
}

export function createSubscriptionManager(options: SubscriptionManagerOptions): SubscriptionManager {
  const { client, store } = options;
  const log = options.log.child({ component: 'graph-subscriptions' });
  const lifetime = Math.min(options.lifetimeMinutes ?? SAFE_SUBSCRIPTION_MINUTES, SAFE_SUBSCRIPTION_MINUTES);
  const renewWithin = (options.renewWithinMinutes ?? 1_440) * 60_000;
  const cache = new Map<string, SubscriptionRecord>();
  const mailboxIds = new Map<string, string>();
  const claimWaitMs = options.claimWaitMs ?? 60_000;

  const expiry = () => new Date(options.now().getTime() + lifetime * 60_000 - 60_000).toISOString();
  const { create } = createSubscriptionCreator({
    client,
    store,
    notificationUrl: options.notificationUrl,
    lifecycleUrl: options.lifecycleUrl,
    now: options.now,
    onMailboxId: options.onMailboxId,
    log,
    claimWaitMs,
    expiry,
    cache,
    mailboxIds,
  });

  async function remove(record: SubscriptionRecord) {
    cache.delete(record.id);
    await store.remove(record.id);
  }

  /** A subscription made without immutable ids: deleted at Graph (gone already is fine), then forgotten. */
  async function retire(record: SubscriptionRecord) {
    try {
      await client.api(`/subscriptions/${encodeURIComponent(record.id)}`).delete();
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    await remove(record);
    log.info(
      { subscriptionId: record.id, mailbox: record.mailbox },
      'subscription without immutable ids retired',
    );
  }

  /** Makes sure one mailbox has a live subscription of `kind`; throws what Graph answered. */
  async function ensureOne(
    mailbox: string,
    kind: SubscriptionRecord['kind'],
    listing: Listing,
  ): Promise<SubscriptionRecord> {
    const now = options.now().getTime();
    const existing = [...cache.values()].find((r) => r.mailbox === mailbox && r.kind === kind);
    if (existing && !madeWithImmutableIds(existing)) {
      await retire(existing);
      return create(mailbox, kind, existing.id, listing);
    }
    if (!existing || Date.parse(existing.expiresAt) <= now) {
      if (existing) await remove(existing);
      return create(mailbox, kind, existing?.id, listing);
    }
    if (Date.parse(existing.expiresAt) - now < renewWithin) {
      const action = await renew(existing, listing);
      return 'record' in action ? action.record : existing;
    }
    return existing;
  }

  async function renew(record: SubscriptionRecord, listing: Listing = {}): Promise<LifecycleAction> {
    try {
      const updated = (await client
        .api(`/subscriptions/${encodeURIComponent(record.id)}`)
        .patch({ expirationDateTime: expiry() })) as { expirationDateTime: string };
      const next = { ...record, expiresAt: updated.expirationDateTime };
      await store.put(next);
      cache.set(next.id, next);
      return { kind: 'renewed', record: next };
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await remove(record);
      return { kind: 'recreated', record: await create(record.mailbox, record.kind, record.id, listing) };
    }
  }

  /** The cache, replaced by what the store holds now (other instances' changes included). */
  async function reload() {
    const records = await store.list();
    cache.clear();
    for (const record of records) {
      cache.set(record.id, record);
      mailboxIds.set(record.mailbox, record.mailboxId);
    }
  }

  async function find(id: string): Promise<SubscriptionRecord | undefined> {
    const cached = cache.get(id);
    if (cached) return cached;
    const stored = await store.get(id);
    if (stored) cache.set(stored.id, stored);
    return stored;
  }

  return {
    load: reload,
    async ensure(mailboxes, kind) {
      const records: SubscriptionRecord[] = [];
      const failures: SubscriptionFailure[] = [];
      const listing: Listing = {};
      for (const address of mailboxes) {
        const mailbox = address.toLowerCase();
        try {
          records.push(await ensureOne(mailbox, kind, listing));
        } catch (error) {
          failures.push({ mailbox, task: kind, error });
        }
      }
      return { records, failures };
    },
    async renewDue() {
      let renewed = 0;
      let recreated = 0;
      const failures: SubscriptionFailure[] = [];
      await reload();
      const now = options.now().getTime();
      const listing: Listing = {};
      for (const record of [...cache.values()]) {
        const legacy = !madeWithImmutableIds(record);
        if (!legacy && Date.parse(record.expiresAt) - now >= renewWithin) continue;
        try {
          if (legacy) {
            await retire(record);
            await create(record.mailbox, record.kind, record.id, listing);
            recreated++;
          } else if (Date.parse(record.expiresAt) <= now) {
            // Expired: Graph has deleted it already.
            await remove(record);
            await create(record.mailbox, record.kind, record.id, listing);
            recreated++;
          } else {
            const action = await renew(record, listing);
            if (action.kind === 'renewed') renewed++;
            else recreated++;
          }
        } catch (error) {
          failures.push({ mailbox: record.mailbox, task: record.kind, error });
        }
      }
      return { renewed, recreated, failures };
    },
    async onLifecycle(subscriptionId, event) {
      const record = await find(subscriptionId);
      if (!record) return { kind: 'ignored', reason: 'unknown subscription' };
      switch (event) {
        case 'reauthorizationRequired':
          return renew(record);
        case 'subscriptionRemoved':
          await remove(record);
          return { kind: 'recreated', record: await create(record.mailbox, record.kind, record.id) };
        case 'missed':
          return { kind: 'catch-up', record };
        default:
          return { kind: 'ignored', reason: `unknown lifecycle event ${event}` };
      }
    },
    get: (id) => cache.get(id),
    find,
    list: () => [...cache.values()],
  };
}
