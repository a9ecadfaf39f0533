/**
 * A graph-client middleware that keeps at most N requests in flight per mailbox (Exchange allows 4
 * concurrent requests per mailbox per app; the fifth gets 429 `ApplicationThrottled`). The mailbox
 * is the `/users/{id}` segment of the URL, lower-cased; Concord addresses mailboxes by address, so
 * one mailbox has one key. Requests without a `/users/{id}` segment (`$batch`, `/subscriptions`) pass
 * straight through. It sits after the RetryHandler, so each retry queues for a slot again.
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import pLimit, { type LimitFunction } from 'p-limit';

export interface MailboxLimiter extends Middleware {
  setNext(middleware: Middleware): void;
  /** Requests in flight per mailbox now (for tests and metrics). */
  inFlight(): ReadonlyMap<string, number>;
  /** The most requests ever in flight at once for one mailbox. */
  readonly peak: number;
}

export function createMailboxLimiter(options: { perMailbox?: number } = {}): MailboxLimiter {
  const perMailbox = options.perMailbox ?? 4;
  const limits = new Map<string, LimitFunction>();
  const counts = new Map<string, number>();
  let next: Middleware | undefined;
  let peak = 0;

  const limiter: MailboxLimiter = {
    get peak() {
      return peak;
    },
    inFlight: () => counts,
    setNext(middleware) {
      next = middleware;
    },
    async execute(context: Context) {
      if (!next) throw new Error('mailbox limiter: no next middleware');
      const key = mailboxKey(typeof context.request === 'string' ? context.request : context.request.url);
      if (!key) return next.execute(context);
      let limit = limits.get(key);
      if (!limit) {
        limit = pLimit(perMailbox);
        limits.set(key, limit);
      }
      const downstream = next;
      await limit(async () => {
        const n = (counts.get(key) ?? 0) + 1;
        counts.set(key, n);
        peak = Math.max(peak, n);
        try {
          await downstream.execute(context);
        } finally {
          const left = (counts.get(key) ?? 1) - 1;
          if (left <= 0) counts.delete(key);
          else counts.set(key, left);
        }
      });
    },
  };
  return limiter;
}

/** The mailbox a Graph URL addresses: `/users/{id}/…` or `/users('{id}')/…`. */
export function mailboxKey(url: string): string | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  const match = /\/users(?:\/([^/?]+)|\('([^']+)'\))/i.exec(path);
  const raw = match?.[1] ?? match?.[2];
  return raw ? decodeURIComponent(raw).toLowerCase() : null;
}
