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
 * Strays: a create whose answer was lost (a 504 or a timeout after Graph made the subscription, or a
 * crash before the record was stored) leaves a subscription at Graph that the store does not know;
 * its notifications would be dropped as "unknown subscription" until it expired, days later. So,
 * while holding the slot's claim, a create first lists the app's subscriptions (`GET
 * /subscriptions`, which for an app returns the subscriptions it made in the tenant) and deletes
 * those for our notificationUrl and this slot's resource that the store does not hold, and it does
 * the same straight after a create that failed in a way Graph may have carried out. The create
 * itself is not retried in-process on 504 (graph-client's RetryHandler would make a second one).
 * One listing serves a whole `ensure` or `renewDue` pass.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../log/index.ts';
import { classifyGraphError, isNotFound } from './errors.ts';
import { IMMUTABLE_IDS, userPath } from './ids.ts';
import type { MailboxTask } from './mailbox-health.ts';
import type { SubscriptionRecord, SubscriptionStore } from './ports.ts';

/** Outlook resources: at most 10,080 minutes (7 days). */
export const MAX_SUBSCRIPTION_MINUTES = 10_080;
/**
 * What Concord asks for: under both the current Outlook limit (10,080) and the older documented one
 * (4,230), so a tenant on either never refuses a create or a renewal.
 */
export const SAFE_SUBSCRIPTION_MINUTES = 4_200;
/**
 * Marks the clientState of subscriptions created with `Prefer: IdType="ImmutableId"`. Graph keeps
 * the id format a subscription was created with, so one without the mark (made by an older Concord)
 * sends REST ids that the meeting index cannot match: it is deleted and created again.
 */
export const IMMUTABLE_CLIENT_STATE_MARK = 'i1.';

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

/** A claim outlives a create (validation handshake included) with room to spare, then lapses. */
const CLAIM_MS = 60_000;

/** The create is retried in-process on 429 and 503 (refused before Graph acted) but not on 504. */
const CREATE_RETRY = new RetryHandlerOptions(
  3,
  3,
  (_delay, _attempt, _request, _options, response) => response.status !== 504,
);

/** A subscription as `GET /subscriptions` lists it (the fields Concord reads). */
interface GraphSubscription {
  readonly id: string;
  readonly resource?: string;
  readonly notificationUrl?: string;
}

/** The app's subscriptions at Graph, read at most once per pass (undefined: not read yet). */
interface Listing {
  subscriptions?: Promise<GraphSubscription[]>;
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
  const holder = randomUUID();
  const claimWaitMs = options.claimWaitMs ?? 60_000;

  const expiry = () => new Date(options.now().getTime() + lifetime * 60_000 - 60_000).toISOString();
  // Messages anywhere in the mailbox, not only the Inbox: a reply Exchange files in Junk Email, or an
  // inbox rule moves on delivery, is created straight in that folder and never in the Inbox.
  const resourceOf = (mailbox: string, kind: SubscriptionRecord['kind']) =>
    kind === 'inbox' ? `${userPath(mailbox)}/messages` : `${userPath(mailbox)}/events`;

  async function mailboxIdOf(mailbox: string): Promise<string> {
    const known = mailboxIds.get(mailbox);
    if (known) return known;
    const user = (await client.api(userPath(mailbox)).select('id').get()) as { id: string };
    mailboxIds.set(mailbox, user.id);
    options.onMailboxId?.(mailbox, user.id);
    return user.id;
  }

  /** Every subscription the app has at Graph, following nextLinks. */
  async function listAtGraph(): Promise<GraphSubscription[]> {
    const all: GraphSubscription[] = [];
    let page = (await client.api('/subscriptions').get()) as {
      value?: GraphSubscription[];
      '@odata.nextLink'?: string;
    };
    for (;;) {
      all.push(...(page.value ?? []));
      const next = page['@odata.nextLink'];
      if (!next) return all;
      page = (await client.api(next).get()) as typeof page;
    }
  }

  /** `users/{address or id}/{collection}`, lower-case, without a leading slash or version. */
  const normalResource = (resource: string) =>
    decodeURIComponent(resource.replace(/^https?:\/\/[^/]+/i, '').replace(/^\/?v1\.0\//i, ''))
      .replace(/^\/+/, '')
      .toLowerCase();

  /**
   * Deletes this slot's subscriptions at Graph that the store does not hold: ours (same
   * notificationUrl and resource, the mailbox named by address or id) and unknown, so made by a
   * create whose answer was lost. Call only while holding the slot's claim.
   */
  async function removeStrays(mailbox: string, kind: SubscriptionRecord['kind'], listing: Listing) {
    listing.subscriptions ??= listAtGraph();
    const atGraph = await listing.subscriptions;
    const mailboxId = mailboxIds.get(mailbox);
    const wanted = new Set(
      [mailbox, mailboxId]
        .filter((m): m is string => Boolean(m))
        .map((m) => normalResource(resourceOf(m, kind))),
    );
    const known = new Set((await store.list()).map((r) => r.id));
    for (const sub of atGraph) {
      if (known.has(sub.id) || sub.notificationUrl !== options.notificationUrl) continue;
      if (!sub.resource || !wanted.has(normalResource(sub.resource))) continue;
      try {
        await client.api(`/subscriptions/${encodeURIComponent(sub.id)}`).delete();
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      log.warn(
        { subscriptionId: sub.id, mailbox, kind },
        'stray subscription deleted (its create lost its answer)',
      );
    }
  }

  async function createNew(mailbox: string, kind: SubscriptionRecord['kind']): Promise<SubscriptionRecord> {
    const clientState = `${IMMUTABLE_CLIENT_STATE_MARK}${randomBytes(32).toString('base64url')}`;
    const resource = resourceOf(mailbox, kind);
    const mailboxId = await mailboxIdOf(mailbox);
    // Notifications then name messages and events by immutable id, as every other Concord call does
    // (https://learn.microsoft.com/graph/outlook-immutable-id#immutable-id-with-change-notifications).
    const created = (await client
      .api('/subscriptions')
      .header('Prefer', IMMUTABLE_IDS)
      .middlewareOptions([CREATE_RETRY])
      .post({
        changeType: kind === 'inbox' ? 'created' : 'updated,deleted',
        notificationUrl: options.notificationUrl,
        lifecycleNotificationUrl: options.lifecycleUrl,
        resource,
        expirationDateTime: expiry(),
        clientState,
        latestSupportedTlsVersion: 'v1_2',
      })) as { id: string; expirationDateTime: string };
    const record: SubscriptionRecord = {
      id: created.id,
      kind,
      mailbox,
      mailboxId,
      resource,
      clientState,
      expiresAt: created.expirationDateTime,
    };
    await store.put(record);
    cache.set(record.id, record);
    log.info({ subscriptionId: record.id, mailbox, kind }, 'subscription created');
    return record;
  }

  /** A live stored subscription of this slot made with immutable ids (perhaps by another instance). */
  async function storedLive(mailbox: string, kind: SubscriptionRecord['kind'], except?: string) {
    const now = options.now().getTime();
    const found = (await store.list()).find(
      (r) =>
        r.mailbox === mailbox &&
        r.kind === kind &&
        r.id !== except &&
        madeWithImmutableIds(r) &&
        Date.parse(r.expiresAt) > now,
    );
    if (found) cache.set(found.id, found);
    return found;
  }

  /**
   * Creates the slot's subscription while holding its claim, unless the store already has a live one
   * (another instance was first): then that one is adopted. `except` is the record being replaced.
   */
  async function create(
    mailbox: string,
    kind: SubscriptionRecord['kind'],
    except?: string,
    listing: Listing = {},
  ): Promise<SubscriptionRecord> {
    const slot = { mailbox, kind };
    const deadline = Date.now() + claimWaitMs;
    while (!(await store.claim(slot, holder, new Date(Date.now() + CLAIM_MS)))) {
      const theirs = await storedLive(mailbox, kind, except);
      if (theirs) return theirs;
      if (Date.now() > deadline)
        throw new Error(`another instance is still subscribing ${mailbox} (${kind})`);
      await sleep(250);
    }
    try {
      const theirs = await storedLive(mailbox, kind, except);
      if (theirs) {
        log.info(
          { subscriptionId: theirs.id, mailbox, kind },
          'subscription made by another instance adopted',
        );
        return theirs;
      }
      await mailboxIdOf(mailbox);
      // Best effort: a listing that fails must not stop the create.
      await removeStrays(mailbox, kind, listing).catch((e: unknown) =>
        log.warn({ mailbox, kind, error: String(e) }, 'could not look for a stray subscription'),
      );
      try {
        return await createNew(mailbox, kind);
      } catch (error) {
        // A 504, a timeout or a dropped connection may come after Graph made the subscription.
        const failure = classifyGraphError(error);
        if (failure.status === null || failure.status >= 500)
          await removeStrays(mailbox, kind, {}).catch((e: unknown) =>
            log.warn({ mailbox, kind, error: String(e) }, 'could not look for a stray subscription'),
          );
        throw error;
      }
    } finally {
      await store.release(slot, holder);
    }
  }

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

  /** Made with immutable ids and on today's resource; anything older is recreated. */
  const madeWithImmutableIds = (record: SubscriptionRecord) =>
    record.clientState.startsWith(IMMUTABLE_CLIENT_STATE_MARK) &&
    record.resource.toLowerCase() === resourceOf(record.mailbox, record.kind).toLowerCase();

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
