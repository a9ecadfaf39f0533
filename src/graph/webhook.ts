/**
 * The Graph webhook endpoints as plain functions, for any HTTP server (the server engineer mounts
 * them on POST /api/graph/notifications and POST /api/graph/lifecycle):
 *
 *   const result = webhooks.handleNotification(rawBody, url.searchParams);
 *   res.writeHead(result.status, { 'content-type': result.contentType }).end(result.body);
 *
 * - `validationToken` in the query: echo it as text/plain, 200 (Graph allows 10 s).
 * - Otherwise parse `{ value: [...] }`, and for each notification: the subscription must be one of
 *   ours and `clientState` must match (constant-time compare), and the resource must name the
 *   subscription's own mailbox (a notification about another mailbox is a forgery). Accepted items
 *   are queued; the answer is 202 at once, with no I/O on the request path.
 * Rejected items are logged without content and dropped; the answer is still 202 so that a prober
 * learns nothing.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../log/index.ts';
import type { SubscriptionRecord } from './ports.ts';

export interface WebhookResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export type GraphJob =
  | { readonly kind: 'message'; readonly mailbox: string; readonly messageId: string }
  | {
      readonly kind: 'event';
      readonly mailbox: string;
      readonly eventId: string;
      readonly changeType: string;
    }
  | { readonly kind: 'lifecycle'; readonly subscriptionId: string; readonly event: string };

export interface GraphWebhooksOptions {
  readonly subscriptions: { get(id: string): SubscriptionRecord | undefined };
  readonly enqueue: (job: GraphJob) => void;
  readonly log: Logger;
}

export interface GraphWebhooks {
  handleNotification(
    body: unknown,
    query: URLSearchParams | Record<string, string | undefined>,
  ): WebhookResponse;
  handleLifecycle(
    body: unknown,
    query: URLSearchParams | Record<string, string | undefined>,
  ): WebhookResponse;
}

interface Notification {
  subscriptionId?: string;
  clientState?: string | null;
  changeType?: string;
  resource?: string;
  resourceData?: { id?: string };
  lifecycleEvent?: string;
}

const ACCEPTED: WebhookResponse = { status: 202, contentType: 'text/plain; charset=utf-8', body: '' };

export function createGraphWebhooks(options: GraphWebhooksOptions): GraphWebhooks {
  const log = options.log.child({ component: 'graph-webhook' });

  function validation(query: URLSearchParams | Record<string, string | undefined>) {
    const token = query instanceof URLSearchParams ? query.get('validationToken') : query.validationToken;
    return token === null || token === undefined
      ? undefined
      : { status: 200, contentType: 'text/plain; charset=utf-8', body: token };
  }

  /** The verified subscription of a notification, or undefined (logged). */
  function verified(n: Notification): SubscriptionRecord | undefined {
    const record = n.subscriptionId ? options.subscriptions.get(n.subscriptionId) : undefined;
    if (!record) {
      log.warn(
        { subscriptionId: n.subscriptionId ?? null },
        'notification for an unknown subscription ignored',
      );
      return undefined;
    }
    if (!sameSecret(record.clientState, n.clientState)) {
      log.warn({ subscriptionId: record.id }, 'notification with a wrong clientState ignored');
      return undefined;
    }
    return record;
  }

  return {
    handleNotification(body, query) {
      const echo = validation(query);
      if (echo) return echo;
      for (const n of notifications(body)) {
        const record = verified(n);
        if (!record) continue;
        if (n.lifecycleEvent) {
          options.enqueue({ kind: 'lifecycle', subscriptionId: record.id, event: n.lifecycleEvent });
          continue;
        }
        const target = parseResource(n.resource);
        if (
          !target ||
          !namesMailbox(target.user, record) ||
          target.collection !== expectedCollection(record)
        ) {
          log.warn(
            { subscriptionId: record.id },
            'notification about another mailbox or resource ignored (forged?)',
          );
          continue;
        }
        const id = n.resourceData?.id ?? target.id;
        if (record.kind === 'inbox')
          options.enqueue({ kind: 'message', mailbox: record.mailbox, messageId: id });
        else
          options.enqueue({
            kind: 'event',
            mailbox: record.mailbox,
            eventId: id,
            changeType: n.changeType ?? 'updated',
          });
      }
      return ACCEPTED;
    },
    handleLifecycle(body, query) {
      const echo = validation(query);
      if (echo) return echo;
      for (const n of notifications(body)) {
        const record = verified(n);
        if (!record || !n.lifecycleEvent) continue;
        options.enqueue({ kind: 'lifecycle', subscriptionId: record.id, event: n.lifecycleEvent });
      }
      return ACCEPTED;
    },
  };
}

function notifications(body: unknown): Notification[] {
  let parsed: unknown = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    try {
      parsed = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
    } catch {
      return [];
    }
  }
  const value = (parsed as { value?: unknown } | null)?.value;
  return Array.isArray(value) ? (value.filter((v) => v && typeof v === 'object') as Notification[]) : [];
}

/** `Users/{user}/Messages/{id}` (or `users('{user}')/messages('{id}')`). */
export function parseResource(
  resource: string | undefined,
): { user: string; collection: string; id: string } | undefined {
  if (!resource) return undefined;
  const m =
    /^\/?users\/([^/]+)\/(messages|events)\/([^/]+)$/i.exec(resource) ??
    /^\/?users\('([^']+)'\)\/(messages|events)\('([^']+)'\)$/i.exec(resource);
  if (!m) return undefined;
  return {
    user: decodeURIComponent(m[1] ?? ''),
    collection: (m[2] ?? '').toLowerCase(),
    id: decodeURIComponent(m[3] ?? ''),
  };
}

function namesMailbox(user: string, record: SubscriptionRecord): boolean {
  const u = user.toLowerCase();
  return u === record.mailboxId.toLowerCase() || u === record.mailbox.toLowerCase();
}

const expectedCollection = (record: SubscriptionRecord) => (record.kind === 'inbox' ? 'messages' : 'events');

function sameSecret(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
