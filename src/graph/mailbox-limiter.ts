/**
 * A graph-client middleware that keeps at most N requests in flight per mailbox (Exchange allows 4
 * concurrent requests per mailbox per app; the fifth gets 429 `ApplicationThrottled`). The mailbox
 * is the `/users/{id}` segment of the URL, lower-cased, then mapped through the aliases Concord has
 * learnt (`alias(objectId, address)`), so a mailbox named by address, by object id (as Graph's own
 * nextLinks and deltaLinks and notification resources name it) or in OData key form (`users('…')`)
 * has one key. `$batch` inner requests count too: the batch holds one slot per inner request of each
 * mailbox while it is sent (`hold`). Requests without a `/users/{id}` segment (`/subscriptions`) pass
 * straight through. It sits after the RetryHandler, so each retry queues for a slot again.
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

export interface MailboxLimiter extends Middleware {
  setNext(middleware: Middleware): void;
  /** Requests in flight per mailbox now (for tests and metrics). */
  inFlight(): ReadonlyMap<string, number>;
  /** The most requests ever in flight at once for one mailbox. */
  readonly peak: number;
  /** Another name for a mailbox (its Entra object id, or its UPN), so both share one key. */
  alias(name: string, mailbox: string): void;
  /** The one key of the mailbox a Graph URL names (null when it names none). */
  keyOf(url: string): string | null;
  /**
   * Runs `fn` holding `count` slots of each mailbox (a `$batch` with that many inner requests each).
   * Slots are taken mailbox by mailbox in key order, so two batches never wait on each other.
   */
  hold<T>(counts: ReadonlyMap<string, number>, fn: () => Promise<T>): Promise<T>;
}

/** A counting semaphore whose waiters are served in order, each taking several slots at once. */
function slots(max: number) {
  let used = 0;
  const waiting: { n: number; go: () => void }[] = [];
  const drain = () => {
    while (waiting.length > 0 && used + (waiting[0]?.n ?? 0) <= max) {
      const next = waiting.shift() as { n: number; go: () => void };
      used += next.n;
      next.go();
    }
  };
  return {
    get used() {
      return used;
    },
    async acquire(wanted: number): Promise<() => void> {
      const n = Math.min(Math.max(1, wanted), max);
      if (waiting.length === 0 && used + n <= max) used += n;
      else await new Promise<void>((go) => waiting.push({ n, go }));
      let released = false;
      return () => {
        if (released) return;
        released = true;
        used -= n;
        drain();
      };
    },
  };
}

export function createMailboxLimiter(options: { perMailbox?: number } = {}): MailboxLimiter {
  const perMailbox = options.perMailbox ?? 4;
  const limits = new Map<string, ReturnType<typeof slots>>();
  const aliases = new Map<string, string>();
  const counts = new Map<string, number>();
  let next: Middleware | undefined;
  let peak = 0;

  const keyOf = (url: string) => {
    const raw = mailboxKey(url);
    return raw ? (aliases.get(raw) ?? raw) : null;
  };
  const limitOf = (key: string) => {
    let limit = limits.get(key);
    if (!limit) {
      limit = slots(perMailbox);
      limits.set(key, limit);
    }
    return limit;
  };
  const count = (key: string, n: number) => {
    const now = (counts.get(key) ?? 0) + n;
    if (now <= 0) counts.delete(key);
    else counts.set(key, now);
    peak = Math.max(peak, now);
  };

  const limiter: MailboxLimiter = {
    get peak() {
      return peak;
    },
    inFlight: () => counts,
    setNext(middleware) {
      next = middleware;
    },
    alias(name, mailbox) {
      const key = name.toLowerCase();
      const target = mailbox.toLowerCase();
      if (key !== target) aliases.set(key, aliases.get(target) ?? target);
    },
    keyOf,
    async hold(wanted, fn) {
      const releases: (() => void)[] = [];
      const held: [string, number][] = [];
      try {
        for (const [key, n] of [...wanted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          releases.push(await limitOf(key).acquire(n));
          const taken = Math.min(n, perMailbox);
          held.push([key, taken]);
          count(key, taken);
        }
        return await fn();
      } finally {
        for (const [key, n] of held) count(key, -n);
        for (const release of releases.reverse()) release();
      }
    },
    async execute(context: Context) {
      if (!next) throw new Error('mailbox limiter: no next middleware');
      const key = keyOf(typeof context.request === 'string' ? context.request : context.request.url);
      if (!key) return next.execute(context);
      const release = await limitOf(key).acquire(1);
      count(key, 1);
      try {
        await next.execute(context);
      } finally {
        count(key, -1);
        release();
      }
    },
  };
  return limiter;
}

/** The mailbox a Graph URL addresses: `/users/{id}/…` or `/users('{id}')/…` (not yet aliased). */
export function mailboxKey(url: string): string | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  const match = /\/users(?:\/([^/?('][^/?]*)|\('([^']+)'\))/i.exec(path);
  const raw = match?.[1] ?? match?.[2];
  if (!raw) return null;
  try {
    return decodeURIComponent(raw).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}
