/**
 * Graph change notifications, delivered as real webhook POSTs:
 * - the validation handshake on subscription create (POST notificationUrl?validationToken=…, expecting
 *   200 with the token echoed as text/plain within 10 s);
 * - change notifications `{"value":[{subscriptionId, clientState, changeType, resource, resourceData,
 *   subscriptionExpirationDateTime, tenantId}]}` for matching changes, batched per URL per tick,
 *   acknowledged by any 2xx within the ack timeout, else retried a few times;
 * - lifecycle notifications (`reauthorizationRequired`, `subscriptionRemoved`, `missed`).
 * Every attempt is logged for the admin API; faults may drop notifications.
 */
import { randomUUID } from 'node:crypto';
import type { FaultController } from './faults.ts';
import type { IdFormat } from './id-format.ts';
import { sendsSettled } from './pending-sends.ts';
import type { Change, EmulatorState, Subscription } from './state.ts';

/**
 * The forms Microsoft's notifications name an Outlook item in, taken in turn so that every client
 * meets each: `Users/{id}/Messages/{item}` (the change-notification examples),
 * `users/{id}@{tenant}/messages/{item}` (the rich-notification examples) and
 * `Users('{id}')/Messages('{item}')` (OData key syntax, as in `@odata.id`).
 */
export function resourceForm(
  n: number,
  userId: string,
  tenantId: string,
  collection: 'Messages' | 'Events',
  itemId: string,
): string {
  switch (n % 3) {
    case 1:
      return `users/${userId}@${tenantId}/${collection.toLowerCase()}/${itemId}`;
    case 2:
      return `Users('${userId}')/${collection}('${itemId}')`;
    default:
      return `Users/${userId}/${collection}/${itemId}`;
  }
}

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

export interface DeliveryRecord {
  readonly at: string;
  readonly kind: 'validation' | 'change' | 'lifecycle';
  readonly url: string;
  readonly subscriptionIds: readonly string[];
  readonly changeTypes?: readonly string[];
  readonly lifecycleEvent?: LifecycleEvent;
  readonly attempt: number;
  readonly status?: number;
  readonly error?: string;
  readonly dropped?: boolean;
}

export interface NotifierOptions {
  /** How long a webhook may take to acknowledge (Graph: about 3 s for changes, 10 s for validation). */
  ackTimeoutMs?: number;
  validationTimeoutMs?: number;
  /** Delays before each retry of a failed change delivery. */
  retryDelaysMs?: readonly number[];
}

export interface Notifier {
  /** The validation handshake; resolves with a reason when the endpoint fails it. */
  validate(url: string): Promise<{ ok: true } | { ok: false; reason: string }>;
  lifecycle(subscription: Subscription, event: LifecycleEvent): Promise<void>;
  readonly log: DeliveryRecord[];
  /** Resolves when no send is on its way (`sendDelayMs`) and no delivery is queued or in flight. */
  idle(): Promise<void>;
  close(): void;
}

interface Pending {
  subscription: Subscription;
  change: Change;
}

export function createNotifier(
  state: EmulatorState,
  faults: FaultController,
  options: NotifierOptions = {},
  ids?: IdFormat,
): Notifier {
  const ackTimeout = options.ackTimeoutMs ?? 3000;
  const validationTimeout = options.validationTimeoutMs ?? 10_000;
  const retryDelays = options.retryDelaysMs ?? [500, 2000, 5000];
  const log: DeliveryRecord[] = [];
  let queue: Pending[] = [];
  let scheduled = false;
  let inFlight = 0;
  let closed = false;
  let waiters: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const settle = () => {
    if (inFlight === 0 && queue.length === 0 && !scheduled) {
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve();
    }
  };

  const record = (entry: Omit<DeliveryRecord, 'at'>) => {
    log.push({ at: new Date().toISOString(), ...entry });
    if (log.length > 1000) log.splice(0, log.length - 1000);
  };

  async function post(url: string, body: string, contentType: string, timeoutMs: number) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, text, contentType: response.headers.get('content-type') ?? '' };
  }

  const matches = (sub: Subscription, change: Change) => {
    if (sub.target.mailboxId !== change.mailboxId || sub.target.kind !== change.kind) return false;
    if (change.kind === 'message' && sub.target.folder && sub.target.folder !== change.folder) return false;
    if (Date.parse(sub.expirationDateTime) <= state.clock.now().getTime()) return false;
    return sub.changeType
      .split(',')
      .map((c) => c.trim())
      .includes(change.changeType);
  };

  state.onChange((change) => {
    if (closed) return;
    for (const sub of state.subscriptions.values())
      if (matches(sub, change)) queue.push({ subscription: sub, change });
    if (queue.length && !scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });

  function flush() {
    scheduled = false;
    const batch = queue;
    queue = [];
    const byUrl = new Map<string, Pending[]>();
    for (const item of batch) {
      if (faults.shouldDropNotification()) {
        record({
          kind: 'change',
          url: item.subscription.notificationUrl,
          subscriptionIds: [item.subscription.id],
          changeTypes: [item.change.changeType],
          attempt: 0,
          dropped: true,
        });
        continue;
      }
      const list = byUrl.get(item.subscription.notificationUrl) ?? [];
      list.push(item);
      byUrl.set(item.subscription.notificationUrl, list);
    }
    for (const [url, items] of byUrl) void deliverChanges(url, items, 1);
    settle();
  }

  let formCount = 0;
  function notification(item: Pending) {
    const { subscription: sub, change } = item;
    const mailbox = state.mailboxes.get(change.mailboxId);
    const collection = change.kind === 'message' ? 'Messages' : 'Events';
    // The id format the subscription was created with (id-format.ts).
    const itemId = sub.immutableIds || !ids ? change.id : ids.toRest(change.id);
    const resource = resourceForm(
      formCount++,
      mailbox?.id ?? change.mailboxId,
      sub.tenantId,
      collection,
      itemId,
    );
    const stored =
      change.kind === 'message' ? mailbox?.messages.get(change.id) : mailbox?.events.get(change.id);
    return {
      subscriptionId: sub.id,
      subscriptionExpirationDateTime: sub.expirationDateTime,
      changeType: change.changeType,
      resource,
      resourceData: {
        '@odata.type': change.kind === 'message' ? '#Microsoft.Graph.Message' : '#Microsoft.Graph.Event',
        '@odata.id': resource,
        ...(stored && change.changeType !== 'deleted'
          ? { '@odata.etag': `W/"${String(stored.data.changeKey)}"` }
          : {}),
        id: itemId,
      },
      clientState: sub.clientState ?? null,
      tenantId: sub.tenantId,
    };
  }

  async function deliverChanges(url: string, items: Pending[], attempt: number): Promise<void> {
    inFlight++;
    const base = {
      kind: 'change' as const,
      url,
      subscriptionIds: items.map((i) => i.subscription.id),
      changeTypes: items.map((i) => i.change.changeType),
      attempt,
    };
    let ok = false;
    try {
      const { status } = await post(
        url,
        JSON.stringify({ value: items.map(notification) }),
        'application/json; charset=utf-8',
        ackTimeout,
      );
      ok = status >= 200 && status < 300;
      record({ ...base, status });
    } catch (error) {
      record({ ...base, error: (error as Error).message });
    } finally {
      inFlight--;
    }
    const delay = retryDelays[attempt - 1];
    if (!ok && !closed && delay !== undefined) {
      inFlight++;
      const timer = setTimeout(() => {
        timers.delete(timer);
        inFlight--;
        void deliverChanges(url, items, attempt + 1);
      }, delay);
      timers.add(timer);
    }
    settle();
  }

  return {
    log,
    async validate(url) {
      const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
      const target = `${url}${url.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`;
      const base = { kind: 'validation' as const, url, subscriptionIds: [], attempt: 1 };
      try {
        const response = await post(target, '', 'text/plain; charset=utf-8', validationTimeout);
        record({ ...base, status: response.status });
        if (response.status !== 200) return { ok: false, reason: `responded ${response.status}` };
        if (!/^text\/plain/i.test(response.contentType))
          return {
            ok: false,
            reason: `responded with content type '${response.contentType}', not text/plain`,
          };
        if (response.text !== token) return { ok: false, reason: 'did not echo the validation token' };
        return { ok: true };
      } catch (error) {
        const reason =
          (error as Error).name === 'TimeoutError'
            ? `did not respond within ${validationTimeout / 1000} s`
            : (error as Error).message;
        record({ ...base, error: reason });
        return { ok: false, reason };
      }
    },
    async lifecycle(sub, event) {
      const url = sub.lifecycleNotificationUrl ?? sub.notificationUrl;
      const body = {
        value: [
          {
            subscriptionId: sub.id,
            subscriptionExpirationDateTime: sub.expirationDateTime,
            tenantId: sub.tenantId,
            clientState: sub.clientState ?? null,
            lifecycleEvent: event,
          },
        ],
      };
      const base = {
        kind: 'lifecycle' as const,
        url,
        subscriptionIds: [sub.id],
        lifecycleEvent: event,
        attempt: 1,
      };
      inFlight++;
      try {
        const { status } = await post(
          url,
          JSON.stringify(body),
          'application/json; charset=utf-8',
          ackTimeout,
        );
        record({ ...base, status });
      } catch (error) {
        record({ ...base, error: (error as Error).message });
      } finally {
        inFlight--;
        settle();
      }
    },
    async idle() {
      // Sends on their way first: delivering them makes the notifications this then waits for.
      await sendsSettled(state);
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        settle();
      });
    },
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      inFlight = 0;
      queue = [];
      settle();
    },
  };
}
