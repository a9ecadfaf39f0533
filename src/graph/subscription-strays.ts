/**
 * Strays: a create whose answer was lost (a 504 or a timeout after Graph made the subscription, or a
 * crash before the record was stored) leaves a subscription at Graph that the store does not know;
 * its notifications would be dropped as "unknown subscription" until it expired, days later. While
 * holding the slot's claim, `subscription-create.ts` lists the app's subscriptions (`GET
 * /subscriptions`, which for an app returns the subscriptions it made in the tenant) and deletes
 * those for our notificationUrl and this slot's resource that the store does not hold. One listing
 * serves a whole `ensure` or `renewDue` pass.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../log/index.ts';
import { isNotFound } from './errors.ts';
import type { SubscriptionRecord, SubscriptionStore } from './ports.ts';
import { resourceOf } from './subscription-rules.ts';

/** A subscription as `GET /subscriptions` lists it (the fields Concord reads). */
interface GraphSubscription {
  readonly id: string;
  readonly resource?: string;
  readonly notificationUrl?: string;
}

/** The app's subscriptions at Graph, read at most once per pass (undefined: not read yet). */
export interface Listing {
  subscriptions?: Promise<GraphSubscription[]>;
}

export interface StrayDeps {
  readonly client: Client;
  readonly store: SubscriptionStore;
  readonly notificationUrl: string;
  readonly log: Logger;
}

/** Every subscription the app has at Graph, following nextLinks. */
async function listAtGraph(client: Client): Promise<GraphSubscription[]> {
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
export async function removeStrays(
  deps: StrayDeps,
  slot: {
    readonly mailbox: string;
    readonly mailboxId: string | undefined;
    readonly kind: SubscriptionRecord['kind'];
  },
  listing: Listing,
): Promise<void> {
  const { client, store, log } = deps;
  const { mailbox, mailboxId, kind } = slot;
  listing.subscriptions ??= listAtGraph(client);
  const atGraph = await listing.subscriptions;
  const wanted = new Set(
    [mailbox, mailboxId]
      .filter((m): m is string => Boolean(m))
      .map((m) => normalResource(resourceOf(m, kind))),
  );
  const known = new Set((await store.list()).map((r) => r.id));
  for (const sub of atGraph) {
    if (known.has(sub.id) || sub.notificationUrl !== deps.notificationUrl) continue;
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
