/**
 * The Graph webhook endpoints as plain functions, for any HTTP server (the server engineer mounts
 * them on POST /api/graph/notifications and POST /api/graph/lifecycle):
 *
 *   const result = await webhooks.handleNotification(rawBody, url.searchParams);
 *   res.writeHead(result.status, { 'content-type': result.contentType, ...result.headers }).end(result.body);
 *
 * - `validationToken` in the query: echo it as text/plain, 200 (Graph allows 10 s), when it has the
 *   form `isValidationToken` accepts (1 to 1,024 printable ASCII characters; see docs/graph.md);
 *   an empty or malformed token is 400, and so is a request with neither a token nor a body (a
 *   handshake whose token is missing). The HTTP layer adds `X-Content-Type-Options: nosniff`.
 * - Otherwise parse `{ value: [...] }`, and for each notification: the subscription must be one of
 *   ours and `clientState` must match (constant-time compare), and the resource must name the
 *   subscription's own mailbox (a notification about another mailbox is a forgery). Each check is a
 *   map lookup or a comparison (one store read when another instance made the subscription): a forged body of 10,000 items costs milliseconds, and rejected items
 *   are counted into one log line per request (never one per item, never their content).
 * - The accepted items are stored in the durable queue in one write (`enqueue`), and the answer is
 *   202 once they are stored; the work runs later, off the request path (work-queue.ts). When the
 *   queue is full, or the store cannot take them, the answer is 503 with Retry-After, which is what
 *   Microsoft documents for a notification that was neither processed nor queued: Graph retries it.
 * Rejected items (including malformed ones: non-string fields, a bad percent-escape in `resource`)
 * are dropped one by one, the rest of the batch is still queued, and the answer is still 202 so that
 * a prober learns nothing.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../log/index.ts';
import type { SubscriptionRecord } from './ports.ts';

export interface WebhookResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
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
  /** The subscription a notification names: from the cache, or the store when another instance made it. */
  readonly subscriptions: { find(id: string): Promise<SubscriptionRecord | undefined> };
  /** Stores the accepted jobs durably, or refuses them all (`full`); may throw when the store is down. */
  readonly enqueue: (jobs: readonly GraphJob[]) => Promise<'queued' | 'full'>;
  readonly log: Logger;
}

export interface GraphWebhooks {
  handleNotification(
    body: unknown,
    query: URLSearchParams | Record<string, string | undefined>,
  ): Promise<WebhookResponse>;
  handleLifecycle(
    body: unknown,
    query: URLSearchParams | Record<string, string | undefined>,
  ): Promise<WebhookResponse>;
}

/** A notification item as received: any field may be missing or of the wrong type. */
interface Notification {
  subscriptionId?: unknown;
  clientState?: unknown;
  changeType?: unknown;
  resource?: unknown;
  resourceData?: { id?: unknown } | null;
  lifecycleEvent?: unknown;
}

const TEXT = 'text/plain; charset=utf-8';
const ACCEPTED: WebhookResponse = { status: 202, contentType: TEXT, body: '' };
/** Seconds Graph is asked to wait before delivering a refused batch again. */
export const QUEUE_FULL_RETRY_AFTER_S = 30;
const UNAVAILABLE: WebhookResponse = {
  status: 503,
  contentType: TEXT,
  body: 'busy; try again later',
  headers: { 'retry-after': String(QUEUE_FULL_RETRY_AFTER_S) },
};

/** Why an item was not queued; counted per request. */
type Rejection = 'unknown-subscription' | 'wrong-client-state' | 'other-resource' | 'malformed';

/** The longest `validationToken` echoed. Graph's are about 120 characters; see docs/graph.md. */
export const VALIDATION_TOKEN_MAX_LENGTH = 1024;

/**
 * Whether `token` has the form of a Graph validation token: 1 to 1,024 printable ASCII characters
 * (space to `~`). Graph's tokens read like "Validation: Testing client application reachability
 * for subscription Request-Id: <guid>"; control characters, line breaks and non-ASCII never occur.
 */
export function isValidationToken(token: string): boolean {
  return token.length > 0 && token.length <= VALIDATION_TOKEN_MAX_LENGTH && /^[\x20-\x7e]+$/.test(token);
}

const badRequest = (body: string): WebhookResponse => ({ status: 400, contentType: TEXT, body });

export function createGraphWebhooks(options: GraphWebhooksOptions): GraphWebhooks {
  const log = options.log.child({ component: 'graph-webhook' });

  /** The answer to a validation handshake, or undefined when the request carries notifications. */
  function validation(
    body: unknown,
    query: URLSearchParams | Record<string, string | undefined>,
  ): WebhookResponse | undefined {
    const token = query instanceof URLSearchParams ? query.get('validationToken') : query.validationToken;
    if (token === null || token === undefined) {
      return isBlank(body) ? badRequest('validationToken is required') : undefined;
    }
    if (!isValidationToken(token)) {
      log.warn({ length: token.length }, 'validation request with a malformed validationToken refused');
      return badRequest('validationToken is malformed');
    }
    return { status: 200, contentType: TEXT, body: token };
  }

  /** The verified subscription of a notification, or why it is refused. */
  async function verified(n: Notification): Promise<SubscriptionRecord | Rejection> {
    const record =
      typeof n.subscriptionId === 'string' && n.subscriptionId && n.subscriptionId.length <= 200
        ? await options.subscriptions.find(n.subscriptionId)
        : undefined;
    if (!record) return 'unknown-subscription';
    if (!sameSecret(record.clientState, n.clientState)) return 'wrong-client-state';
    return record;
  }

  async function changeNotification(n: Notification): Promise<GraphJob | Rejection> {
    const record = await verified(n);
    if (typeof record === 'string') return record;
    if (typeof n.lifecycleEvent === 'string' && n.lifecycleEvent) {
      return { kind: 'lifecycle', subscriptionId: record.id, event: n.lifecycleEvent };
    }
    const target = parseResource(n.resource);
    if (!target || !namesMailbox(target.user, record) || target.collection !== expectedCollection(record)) {
      return 'other-resource';
    }
    const given = n.resourceData?.id;
    const id = typeof given === 'string' && given ? given : target.id;
    if (record.kind === 'inbox') return { kind: 'message', mailbox: record.mailbox, messageId: id };
    return {
      kind: 'event',
      mailbox: record.mailbox,
      eventId: id,
      changeType: typeof n.changeType === 'string' && n.changeType ? n.changeType : 'updated',
    };
  }

  async function lifecycleNotification(n: Notification): Promise<GraphJob | Rejection> {
    const record = await verified(n);
    if (typeof record === 'string') return record;
    if (typeof n.lifecycleEvent !== 'string' || !n.lifecycleEvent) return 'malformed';
    return { kind: 'lifecycle', subscriptionId: record.id, event: n.lifecycleEvent };
  }

  /**
   * Each item on its own (one that throws is counted as malformed and the rest still go through);
   * the accepted ones are queued in one write, and the rejections make one log line.
   */
  async function each(
    body: unknown,
    judge: (n: Notification) => Promise<GraphJob | Rejection>,
  ): Promise<WebhookResponse> {
    const accepted: GraphJob[] = [];
    const rejected: Partial<Record<Rejection, number>> = {};
    for (const n of notifications(body)) {
      let verdict: GraphJob | Rejection;
      try {
        verdict = await judge(n);
      } catch {
        verdict = 'malformed';
      }
      if (typeof verdict === 'string') rejected[verdict] = (rejected[verdict] ?? 0) + 1;
      else accepted.push(verdict);
    }
    if (Object.keys(rejected).length > 0)
      log.warn({ rejected, accepted: accepted.length }, 'notification items ignored (forged or malformed?)');
    if (accepted.length === 0) return ACCEPTED;
    try {
      const outcome = await options.enqueue(accepted);
      if (outcome === 'queued') return ACCEPTED;
      log.warn({ items: accepted.length }, 'notification queue full; Graph is asked to retry later');
    } catch (error) {
      log.error(
        { items: accepted.length, errorName: error instanceof Error ? error.name : typeof error },
        'notifications could not be queued; Graph is asked to retry later',
      );
    }
    return UNAVAILABLE;
  }

  return {
    async handleNotification(body, query) {
      return validation(body, query) ?? each(body, changeNotification);
    },
    async handleLifecycle(body, query) {
      return validation(body, query) ?? each(body, lifecycleNotification);
    },
  };
}

/** No body at all: null, undefined, or an empty or whitespace-only text. */
function isBlank(body: unknown): boolean {
  if (body === null || body === undefined) return true;
  if (typeof body === 'string') return body.trim() === '';
  if (body instanceof Uint8Array) return body.length === 0;
  return false;
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

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * Every form Microsoft's notifications name an Outlook message or event in (case-insensitive, with
 * or without a leading `/` or `v1.0/`):
 * - `Users/{user}/Messages/{id}` and `Users/{user}/Events/{id}` (the change-notification examples);
 * - `users/{user-id}@{tenant-id}/messages/{id}` (the rich-notification examples);
 * - `Users('{user}')/Messages('{id}')` (OData key syntax, as in `resourceData.@odata.id`);
 * - any of them through a folder: `…/mailFolders('inbox')/messages/{id}` or `…/mailFolders/{f}/…`.
 */
const RESOURCE =
  /^\/?(?:v1\.0\/)?users(?:\('([^']+)'\)|\/([^/()]+))(?:\/mailFolders(?:\('[^']+'\)|\/[^/()]+))?\/(messages|events)(?:\('([^']+)'\)|\/([^/()]+))$/i;

/** The user, collection and item a notification's `resource` names; undefined for any other text. */
export function parseResource(
  resource: unknown,
): { user: string; collection: string; id: string } | undefined {
  if (typeof resource !== 'string' || !resource || resource.length > 2048) return undefined;
  const m = RESOURCE.exec(resource);
  if (!m) return undefined;
  const rawUser = decoded(m[1] ?? m[2] ?? '');
  const id = decoded(m[4] ?? m[5] ?? '');
  if (!rawUser || !id) return undefined;
  // `{user-id}@{tenant-id}`: the object id qualified by its tenant (an address keeps its domain).
  const at = rawUser.lastIndexOf('@');
  const user = at > 0 && GUID.test(rawUser.slice(at + 1)) ? rawUser.slice(0, at) : rawUser;
  return { user, collection: (m[3] ?? '').toLowerCase(), id };
}

/** `decodeURIComponent`, or undefined for a malformed escape such as `%E0%A4%A` or `%zz`. */
function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function namesMailbox(user: string, record: SubscriptionRecord): boolean {
  const u = user.toLowerCase();
  return u === record.mailboxId.toLowerCase() || u === record.mailbox.toLowerCase();
}

const expectedCollection = (record: SubscriptionRecord) => (record.kind === 'inbox' ? 'messages' : 'events');

function sameSecret(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
