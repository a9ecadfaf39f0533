/**
 * Inbound Graph: subscriptions, webhook handlers, the work queue and the trackers, wired together.
 *
 *   POST /api/graph/notifications ─┐                 ┌─ message → reply tracker → reply-received
 *   POST /api/graph/lifecycle ─────┴─ webhooks → queue ┼─ event → meeting tracker → meeting-response/-held
 *                                                     └─ lifecycle → renew / recreate / delta catch-up
 *
 * `start()`: load stored subscriptions, make sure every watched inbox and every convener's events have
 * one (the webhook must already be mounted: Graph validates the URL on create), then catch up each
 * inbox with delta. Notifications wait in a durable queue (`queueStore`: the store's in production)
 * and `start()` begins draining it, rows left by an earlier process included. The scheduler should call `renewDue()` hourly, `catchUpAll()` and
 * `meetings.poll()` every 15 minutes or so (the fallbacks for lost notifications), and `retryDue()`
 * every half minute or so.
 *
 * Every mailbox runs alone (mailbox-health.ts): one Concord cannot reach (outside the RBAC scope, no
 * Exchange Online mailbox, an address Graph does not know, an expired delta token) is logged, shown by
 * `problems()` (in `/readyz`), retried with backoff by `retryDue()`, and never stops the start or the
 * other mailboxes. None of these methods throws for a mailbox's sake.
 */
import type { Logger } from '../log/index.ts';
import type { BatchRequest, BatchResponse, GraphBatch } from './batch.ts';
import { createMailboxHealth, type MailboxHealth, type MailboxProblem } from './mailbox-health.ts';
import type { MeetingTracker } from './meeting-tracker.ts';
import type { MessageRef, ReplyTracker } from './reply-tracker.ts';
import type { SubscriptionManager } from './subscriptions.ts';
import { createGraphWebhooks, type GraphJob, type GraphWebhooks } from './webhook.ts';
import {
  createWorkQueue,
  memoryNotificationStore,
  type NotificationStore,
  type WorkQueue,
} from './work-queue.ts';

export interface GraphInbound {
  readonly webhooks: GraphWebhooks;
  readonly queue: WorkQueue<GraphJob>;
  start(): Promise<void>;
  renewDue(): Promise<{ renewed: number; recreated: number; failed: number }>;
  catchUpAll(): Promise<{ matched: number; failed: number }>;
  /** Tries again every failing mailbox whose backoff has run out; returns how many it tried. */
  retryDue(): Promise<number>;
  /** Mailboxes Concord cannot currently subscribe to or catch up, and why. */
  problems(): MailboxProblem[];
  close(): Promise<void>;
}

/** Reads one window holds at most: one `$batch` (Graph takes 20 requests in one). */
export const READ_WINDOW_MAX = 20;

export function createGraphInbound(options: {
  readonly subscriptions: SubscriptionManager;
  readonly replies: ReplyTracker;
  readonly meetings: MeetingTracker;
  /** Host-tenant mailboxes that send dispute email. */
  readonly watchedMailboxes: () => readonly string[];
  /** Mailboxes whose events are tracked (conveners); default the watched mailboxes. */
  readonly conveners?: () => readonly string[];
  readonly log: Logger;
  /** Default: one with the standard backoff on the system clock. */
  readonly health?: MailboxHealth;
  /**
   * Message notifications arriving within this window are read together, in one `$batch` across
   * mailboxes (default 250 ms); notifications about one event within `eventDebounceMs` (default
   * 750 ms) are one read of it: several attendees answering at once update the organiser's event
   * once each, and Concord reads it once.
   */
  readonly coalesceMs?: number;
  readonly eventDebounceMs?: number;
  /**
   * With a batch, message and event reads share one window and one `$batch`: a message notification
   * that arrives while an event read waits out its debounce is read with it (the window then closes
   * when the event's debounce does), so the read of an organiser's event and the response message
   * that came with it cost one request.
   */
  readonly batch?: GraphBatch;
  /** Where accepted notifications wait (default memory, which a crash loses). */
  readonly queueStore?: NotificationStore<GraphJob>;
  /**
   * Queue tuning (capacity, lease, poll); default DEFAULT_QUEUE, except that the queue runs (and
   * claims) `READ_WINDOW_MAX` jobs at once: a message or event job spends its time waiting for the
   * shared read window, so with the queue's default of 4 a window never held more than 4
   * notifications and the 5th waited for the window to close, to be read in a `$batch` of its own.
   */
  readonly queueOptions?: { capacity?: number; leaseMs?: number; pollMs?: number; concurrency?: number };
}): GraphInbound {
  const { subscriptions, replies, meetings } = options;
  const log = options.log.child({ component: 'graph-inbound' });
  const health = options.health ?? createMailboxHealth({ now: () => new Date(), log: options.log });

  const coalesceMs = options.coalesceMs ?? 250;
  const eventDebounceMs = options.eventDebounceMs ?? 750;

  type Waiter = { resolve: () => void; reject: (error: unknown) => void };
  type Waiting = Waiter & { ref: MessageRef };
  type EventWaiting = { mailbox: string; eventId: string; changeType: string; waiters: Waiter[] };
  let waiting: Waiting[] = [];
  let events = new Map<string, EventWaiting>();
  let firstMessageAt = 0;
  let firstEventAt = 0;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let flushAt = 0;

  const settle = (waiters: readonly Waiter[], error: unknown) => {
    for (const w of waiters) error === undefined ? w.resolve() : w.reject(error);
  };

  /** Reads everything waiting: message headers and events in one `$batch` when there is a batch. */
  async function flush() {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    const taken = waiting;
    const takenEvents = [...events.values()];
    waiting = [];
    // Forgotten before the read: a change after it starts is read again.
    events = new Map();
    const eventWaiters = takenEvents.flatMap((e) => e.waiters);
    if (!options.batch) {
      // Without a batch only messages come here (events are read on their own).
      try {
        await replies.processAcross(taken.map((w) => w.ref));
        settle(taken, undefined);
      } catch (error) {
        // Every job of the read fails alike and is retried by the queue.
        settle(taken, error);
      }
      return;
    }
    let messagePlan: ReturnType<ReplyTracker['planAcross']>;
    let eventPlan: Awaited<ReturnType<MeetingTracker['planEvents']>>;
    try {
      messagePlan = replies.planAcross(taken.map((w) => w.ref));
      eventPlan = await meetings.planEvents(
        takenEvents.map((e) => ({ mailbox: e.mailbox, eventId: e.eventId, changeType: e.changeType })),
      );
    } catch (error) {
      settle([...taken, ...eventWaiters], error);
      return;
    }
    const requests: BatchRequest[] = [
      ...messagePlan.requests.map((r) => ({ ...r, id: `m${r.id}` })),
      ...eventPlan.requests.map((r) => ({ ...r, id: `e${r.id}` })),
    ];
    let answers: Map<string, BatchResponse>;
    try {
      answers = requests.length > 0 ? await options.batch.run(requests) : new Map();
    } catch (error) {
      settle([...taken, ...eventWaiters], error);
      return;
    }
    const part = (prefix: string) =>
      new Map(
        [...answers]
          .filter(([id]) => id.startsWith(prefix))
          .map(([id, r]) => [id.slice(1), { ...r, id: id.slice(1) }]),
      );
    await Promise.all([
      messagePlan.finish(part('m')).then(
        () => settle(taken, undefined),
        (error: unknown) => settle(taken, error),
      ),
      eventPlan.finish(part('e')).then(
        () => settle(eventWaiters, undefined),
        (error: unknown) => settle(eventWaiters, error),
      ),
    ]);
  }

  /**
   * When the window closes: `coalesceMs` after its first message, or, while an event read waits,
   * when that event's debounce ends (whichever is later), so a message never makes an event's read
   * early and an event read takes with it the messages that came meanwhile.
   */
  function schedule() {
    const due = Math.max(
      waiting.length > 0 ? firstMessageAt + coalesceMs : 0,
      events.size > 0 ? firstEventAt + eventDebounceMs : 0,
    );
    if (flushTimer && flushAt === due) return;
    if (flushTimer) clearTimeout(flushTimer);
    flushAt = due;
    flushTimer = setTimeout(() => void flush(), Math.max(0, due - Date.now()));
  }

  /** Resolves once the message has been read with whatever else arrived within the window. */
  function readMessage(ref: MessageRef): Promise<void> {
    return new Promise((resolve, reject) => {
      if (waiting.length === 0) firstMessageAt = Date.now();
      waiting.push({ ref, resolve, reject });
      if (waiting.length >= READ_WINDOW_MAX) void flush();
      else schedule();
    });
  }

  const eventReads = new Map<string, { changeType: string; done: Promise<void> }>();
  /** One read of an event for every notification about it within the window (the last change type). */
  function readEvent(mailbox: string, eventId: string, changeType: string): Promise<void> {
    const key = `${mailbox}|${eventId}`;
    if (options.batch) {
      return new Promise((resolve, reject) => {
        const pending = events.get(key);
        if (pending) {
          pending.changeType = changeType;
          pending.waiters.push({ resolve, reject });
          return;
        }
        if (events.size === 0) firstEventAt = Date.now();
        events.set(key, { mailbox, eventId, changeType, waiters: [{ resolve, reject }] });
        schedule();
      });
    }
    const pending = eventReads.get(key);
    if (pending) {
      pending.changeType = changeType;
      return pending.done;
    }
    const entry = { changeType, done: Promise.resolve() };
    entry.done = (async () => {
      await new Promise((resolve) => setTimeout(resolve, eventDebounceMs));
      // Forgotten before the read: a change after it starts is read again.
      eventReads.delete(key);
      await meetings.processEvent(mailbox, eventId, entry.changeType);
    })();
    eventReads.set(key, entry);
    return entry.done;
  }

  async function handle(job: GraphJob): Promise<void> {
    switch (job.kind) {
      case 'message':
        await readMessage({ mailbox: job.mailbox, messageId: job.messageId });
        return;
      case 'event':
        await readEvent(job.mailbox, job.eventId, job.changeType);
        return;
      case 'lifecycle': {
        const action = await subscriptions.onLifecycle(job.subscriptionId, job.event);
        log.info(
          { subscriptionId: job.subscriptionId, event: job.event, action: action.kind },
          'lifecycle handled',
        );
        if (action.kind === 'catch-up' || (action.kind === 'recreated' && action.record.kind === 'inbox')) {
          if (action.record.kind === 'inbox') await replies.catchUp(action.record.mailbox);
          else await meetings.poll();
        }
        return;
      }
    }
  }

  const queue = createWorkQueue<GraphJob>({
    store: options.queueStore ?? memoryNotificationStore<GraphJob>(),
    handle,
    keyOf: jobKey,
    concurrency: READ_WINDOW_MAX,
    batch: READ_WINDOW_MAX,
    ...options.queueOptions,
    log,
    describe: (job) => ({ job: job.kind, ...('mailbox' in job ? { mailbox: job.mailbox } : {}) }),
  });
  const webhooks = createGraphWebhooks({ subscriptions, enqueue: (jobs) => queue.add(jobs), log });

  async function catchUpOne(mailbox: string): Promise<number | null> {
    try {
      const { matched } = await replies.catchUp(mailbox);
      health.succeeded(mailbox, 'delta');
      return matched;
    } catch (error) {
      health.failed(mailbox, 'delta', error);
      return null;
    }
  }

  async function catchUpAll() {
    let matched = 0;
    let failed = 0;
    for (const mailbox of options.watchedMailboxes()) {
      const result = await catchUpOne(mailbox);
      if (result === null) failed++;
      else matched += result;
    }
    return { matched, failed };
  }

  async function ensure(mailboxes: readonly string[], kind: 'inbox' | 'events') {
    const { records, failures } = await subscriptions.ensure(mailboxes, kind);
    for (const record of records) health.succeeded(record.mailbox, kind);
    for (const failure of failures) health.failed(failure.mailbox, failure.task, failure.error);
  }

  return {
    webhooks,
    queue,
    async start() {
      await subscriptions.load();
      queue.start();
      await ensure(options.watchedMailboxes(), 'inbox');
      await ensure((options.conveners ?? options.watchedMailboxes)(), 'events');
      await catchUpAll();
      const problems = health.list();
      if (problems.length > 0)
        log.warn(
          { failing: problems.map((p) => ({ mailbox: p.mailbox, task: p.task, kind: p.kind })) },
          `${new Set(problems.map((p) => p.mailbox)).size} mailbox(es) not ready; retrying them with backoff`,
        );
    },
    async renewDue() {
      const { renewed, recreated, failures } = await subscriptions.renewDue();
      for (const failure of failures) health.failed(failure.mailbox, failure.task, failure.error);
      return { renewed, recreated, failed: failures.length };
    },
    catchUpAll,
    async retryDue() {
      const due = health.due();
      for (const problem of due) {
        if (problem.task === 'delta') await catchUpOne(problem.mailbox);
        else await ensure([problem.mailbox], problem.task);
      }
      return due.length;
    },
    problems: () => health.list(),
    close: () => queue.close(),
  };
}

/** What a job is about: the same message, event change or lifecycle event is one piece of work. */
export function jobKey(job: GraphJob): string {
  switch (job.kind) {
    case 'message':
      return `m|${job.mailbox}|${job.messageId}`;
    case 'event':
      return `e|${job.mailbox}|${job.eventId}|${job.changeType}`;
    case 'lifecycle':
      return `l|${job.subscriptionId}|${job.event}`;
  }
}
