/**
 * Creating one slot's subscription (a mailbox and a kind), safe with several instances on one store:
 * an instance creates only while it holds the store's claim on the slot, and looks in the store
 * again inside the claim, so a second instance adopts the first one's subscription instead of making
 * another. Before the create, and straight after a create that failed in a way Graph may have carried
 * out, it removes the slot's strays (`subscription-strays.ts`). The create itself is not retried
 * in-process on 504 (graph-client's RetryHandler would make a second one).
 *
 * Each subscription gets a random `clientState` (32 bytes) with the immutable-id mark, and is made
 * with `Prefer: IdType="ImmutableId"`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../log/index.ts';
import { classifyGraphError } from './errors.ts';
import { IMMUTABLE_IDS, userPath } from './ids.ts';
import type { SubscriptionRecord, SubscriptionStore } from './ports.ts';
import { IMMUTABLE_CLIENT_STATE_MARK, madeWithImmutableIds, resourceOf } from './subscription-rules.ts';
import { type Listing, removeStrays } from './subscription-strays.ts';

/** A claim outlives a create (validation handshake included) with room to spare, then lapses. */
const CLAIM_MS = 60_000;

/** The create is retried in-process on 429 and 503 (refused before Graph acted) but not on 504. */
const CREATE_RETRY = new RetryHandlerOptions(
  3,
  3,
  (_delay, _attempt, _request, _options, response) => response.status !== 504,
);

export interface SubscriptionCreatorOptions {
  readonly client: Client;
  readonly store: SubscriptionStore;
  readonly notificationUrl: string;
  readonly lifecycleUrl: string;
  readonly now: () => Date;
  readonly onMailboxId?: ((mailbox: string, id: string) => void) | undefined;
  readonly log: Logger;
  /** How long to wait for another instance that holds a mailbox's claim. */
  readonly claimWaitMs: number;
  /** The expiry to ask for now. */
  readonly expiry: () => string;
  /** The manager's cache of records by id, which a create or an adoption fills. */
  readonly cache: Map<string, SubscriptionRecord>;
  /** Mailbox object ids by address, filled as they are looked up (and by the manager's reload). */
  readonly mailboxIds: Map<string, string>;
}

export interface SubscriptionCreator {
  /**
   * Creates the slot's subscription while holding its claim, unless the store already has a live one
   * (another instance was first): then that one is adopted. `except` is the record being replaced.
   */
  create(
    mailbox: string,
    kind: SubscriptionRecord['kind'],
    except?: string,
    listing?: Listing,
  ): Promise<SubscriptionRecord>;
}

export function createSubscriptionCreator(options: SubscriptionCreatorOptions): SubscriptionCreator {
  const { client, store, log, cache, mailboxIds, claimWaitMs, expiry } = options;
  const holder = randomUUID();

  async function mailboxIdOf(mailbox: string): Promise<string> {
    const known = mailboxIds.get(mailbox);
    if (known) return known;
    const user = (await client.api(userPath(mailbox)).select('id').get()) as { id: string };
    mailboxIds.set(mailbox, user.id);
    options.onMailboxId?.(mailbox, user.id);
    return user.id;
  }

  const strays = (mailbox: string, kind: SubscriptionRecord['kind'], listing: Listing) =>
    removeStrays(options, { mailbox, mailboxId: mailboxIds.get(mailbox), kind }, listing);

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
      await strays(mailbox, kind, listing).catch((e: unknown) =>
        log.warn({ mailbox, kind, error: String(e) }, 'could not look for a stray subscription'),
      );
      try {
        return await createNew(mailbox, kind);
      } catch (error) {
        // A 504, a timeout or a dropped connection may come after Graph made the subscription.
        const failure = classifyGraphError(error);
        if (failure.status === null || failure.status >= 500)
          await strays(mailbox, kind, {}).catch((e: unknown) =>
            log.warn({ mailbox, kind, error: String(e) }, 'could not look for a stray subscription'),
          );
        throw error;
      }
    } finally {
      await store.release(slot, holder);
    }
  }

  return { create };
}
