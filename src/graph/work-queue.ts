/**
 * The durable, bounded queue between the Graph webhook and the work a notification asks for, so
 * the webhook answers 202 as soon as the accepted notifications are stored and never waits for the
 * work (Graph wants an answer within 3 s; see docs/graph.md).
 *
 * - `add(jobs)` stores them (the store's `graph_notifications` table through `NotificationStore`,
 *   whose adds arriving together are written as one multi-row statement, a group commit) and
 *   resolves `queued`, or `full` when the queue already holds `capacity`
 *   rows: nothing is added, and the webhook answers 503 with Retry-After, as Microsoft documents for
 *   a notification that was neither processed nor queued, so Graph delivers it again. Memory never
 *   grows with a burst.
 * - A worker drains it off the request path: it claims a batch (`SKIP LOCKED`, a short lease kept
 *   alive by a heartbeat), runs at most `concurrency` jobs at once and yields to the event loop
 *   between jobs, so a burst of work cannot starve the webhook's acks or the bot's turns. While
 *   adds are being stored (a burst of notifications), a claim waits for them, up to `makeWayMs`,
 *   so the acks take the store and the event loop first and the work catches up after.
 * - Exactly once across crashes: a row is deleted only after its job has finished; a worker that dies
 *   leaves its claim to run out (`leaseMs`) and the row is claimed again. The jobs themselves are
 *   idempotent (a reply or meeting response already recorded is refused by `decide`), so a job cut
 *   short by a crash and run again changes the dispute once.
 * - A notification for a key already queued is folded into it; if the row is running, it runs once
 *   more afterwards (see migration 0006), so a change that arrives mid-run is never missed.
 * - A failing job is retried with Concord's one backoff (src/runtime/backoff.ts) up to
 *   `maxAttempts`, then dropped with a log line; the periodic delta catch-up is the safety net.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import pLimit from 'p-limit';
import type { Logger } from '../log/index.ts';
import { type RetryPolicy, retryDelayMs } from '../runtime/backoff.ts';
import { createLeaseHeartbeat } from '../runtime/lease-heartbeat.ts';
import { type PollLoop, startPollLoop } from '../runtime/poll-loop.ts';

/** A queued job as the store hands it back. */
export interface QueuedJob<J> {
  readonly key: string;
  readonly job: J;
  readonly generation: number;
  readonly attempts: number;
}

export type QueueOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'retry'; readonly nextAttemptAt: Date; readonly error: string }
  | { readonly kind: 'drop' };

/** Where queued jobs are kept: the store (src/store/adapters/notification-queue.ts) or memory. */
export interface NotificationStore<J> {
  add(items: readonly { key: string; job: J }[], capacity: number, now: Date): Promise<'queued' | 'full'>;
  claim(workerId: string, now: Date, leaseMs: number, limit: number): Promise<QueuedJob<J>[]>;
  renew(workerId: string, keys: readonly string[], now: Date, leaseMs: number): Promise<string[]>;
  finish(key: string, workerId: string, generation: number, outcome: QueueOutcome): Promise<unknown>;
  depth(): Promise<number>;
}

export interface WorkQueue<J> {
  /** Stores `jobs` durably, or refuses them all when the queue is full. */
  add(jobs: readonly J[]): Promise<'queued' | 'full'>;
  /** Starts draining (rows left by an earlier process included). */
  start(): void;
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
  /** Jobs queued or running. */
  depth(): Promise<number>;
  close(): Promise<void>;
}

export const DEFAULT_QUEUE = {
  /** Rows the queue holds at most; past this the webhook answers 503 with Retry-After. */
  capacity: 10_000,
  /**
   * Rows one claim takes, and jobs run at once: 20, so that the message reads of one claim fill one
   * Graph `$batch` (20 requests at most; inbound.ts reads as soon as 20 wait). With 4 at once, each
   * read waited out its 250 ms window with 4 in it, and 500 notifications took 32 s to drain.
   */
  batch: 20,
  concurrency: 20,
  /** A dead worker's rows are claimed again this long after its last heartbeat. */
  leaseMs: 15_000,
  /** How often an idle worker looks for rows that became due (retries, expired leases). */
  pollMs: 1_000,
  /**
   * How long a claim waits at most while adds are being stored (a webhook burst), so the acks come
   * before the work: the worker never waits longer than this for a claim, however long the burst.
   */
  makeWayMs: 250,
  maxAttempts: 5,
} as const;

export function createWorkQueue<J>(options: {
  readonly store: NotificationStore<J>;
  readonly handle: (job: J) => Promise<void>;
  /** What a job is about: two jobs with one key are one piece of work. */
  readonly keyOf: (job: J) => string;
  readonly log: Logger;
  readonly capacity?: number;
  readonly batch?: number;
  readonly concurrency?: number;
  readonly leaseMs?: number;
  readonly pollMs?: number;
  /** See DEFAULT_QUEUE.makeWayMs; 0 never waits. */
  readonly makeWayMs?: number;
  readonly maxAttempts?: number;
  /** The first retry's delay ceiling; each attempt doubles it, up to 30 s. */
  readonly retryDelayMs?: number;
  readonly describe?: (job: J) => Record<string, unknown>;
  readonly random?: () => number;
  /** Wall time (leases and retries are reckoned in it, never in the test clock). */
  readonly now?: () => Date;
}): WorkQueue<J> {
  const { store, log } = options;
  const capacity = options.capacity ?? DEFAULT_QUEUE.capacity;
  const batch = options.batch ?? DEFAULT_QUEUE.batch;
  const leaseMs = options.leaseMs ?? DEFAULT_QUEUE.leaseMs;
  const policy: RetryPolicy = {
    baseMs: options.retryDelayMs ?? 500,
    maxMs: 30_000,
    maxAttempts: options.maxAttempts ?? DEFAULT_QUEUE.maxAttempts,
  };
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => new Date());
  const workerId = `graph-queue-${randomUUID()}`;
  const limit = pLimit(options.concurrency ?? DEFAULT_QUEUE.concurrency);
  const heartbeat = createLeaseHeartbeat({
    intervalMs: Math.max(50, Math.floor(leaseMs / 3)),
    renew: (keys) => store.renew(workerId, keys, now(), leaseMs),
    log,
  });
  let loop: PollLoop | null = null;
  let closed = false;
  let running = 0;
  const makeWayMs = options.makeWayMs ?? DEFAULT_QUEUE.makeWayMs;
  /** Adds being stored right now, and who waits for there to be none. */
  let adding = 0;
  let addsSettled: (() => void)[] = [];

  /**
   * Before a claim: while adds are being stored (their requests wait for the store, as the claim
   * would make them wait longer), wait for them to finish, at most `makeWayMs`.
   */
  async function makeWay(): Promise<void> {
    if (adding === 0 || makeWayMs <= 0) return;
    const until = Date.now() + makeWayMs;
    while (adding > 0 && !closed) {
      const left = until - Date.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        addsSettled.push(done);
      });
      // The requests read in the same turn of the event loop get to add theirs first.
      await yieldToEventLoop();
    }
  }

  async function runOne(item: QueuedJob<J>): Promise<void> {
    let outcome: QueueOutcome = { kind: 'done' };
    try {
      await options.handle(item.job);
    } catch (error) {
      const context = { ...(options.describe?.(item.job) ?? {}), attempt: item.attempts };
      if (item.attempts >= policy.maxAttempts) {
        log.error({ ...context, err: String(error) }, 'graph work dropped after retries');
        outcome = { kind: 'drop' };
      } else {
        log.warn({ ...context, err: String(error) }, 'graph work failed; will retry');
        const delay = retryDelayMs({ attempt: item.attempts, policy, random });
        outcome = {
          kind: 'retry',
          nextAttemptAt: new Date(now().getTime() + delay),
          error: error instanceof Error ? error.name : 'error',
        };
      }
    }
    await store.finish(item.key, workerId, item.generation, outcome);
  }

  async function tick(): Promise<number> {
    if (closed) return 0;
    await makeWay();
    if (closed) return 0;
    const claimed = await store.claim(workerId, now(), leaseMs, batch);
    if (claimed.length === 0) return 0;
    heartbeat.hold(claimed.map((item) => item.key));
    running += claimed.length;
    await Promise.all(
      claimed.map((item) =>
        limit(async () => {
          try {
            // One job at a time per slot, and the event loop gets a turn before each.
            await yieldToEventLoop();
            await runOne(item);
          } catch (error) {
            // The store failed to record the outcome: the lease runs out and the row runs again.
            log.error(
              { err: error instanceof Error ? error.name : 'error' },
              'graph queue bookkeeping failed',
            );
          } finally {
            heartbeat.release(item.key);
            running--;
          }
        }),
      ),
    );
    return claimed.length;
  }

  return {
    async add(jobs) {
      if (jobs.length === 0) return 'queued';
      adding++;
      let outcome: 'queued' | 'full';
      try {
        outcome = await store.add(
          jobs.map((job) => ({ key: options.keyOf(job), job })),
          capacity,
          now(),
        );
      } finally {
        adding--;
        if (adding === 0) {
          const waiting = addsSettled;
          addsSettled = [];
          for (const done of waiting) done();
        }
      }
      if (outcome === 'queued') loop?.wake();
      return outcome;
    },
    start() {
      if (loop || closed) return;
      loop = startPollLoop({
        name: 'graph-notifications',
        intervalMs: options.pollMs ?? DEFAULT_QUEUE.pollMs,
        tick,
        log,
      });
    },
    async idle() {
      for (;;) {
        if (running === 0 && (await store.depth()) === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (closed) return;
      }
    },
    depth: () => store.depth(),
    async close() {
      closed = true;
      await loop?.stop();
    },
  };
}

/**
 * The same queue kept in memory, for a process with no store (the Graph test world). Not durable:
 * the store's adapter is what production uses.
 */
export function memoryNotificationStore<J>(): NotificationStore<J> {
  const rows = new Map<
    string,
    { job: J; generation: number; attempts: number; due: number; lockedBy: string | null; until: number }
  >();
  return {
    async add(items, capacity, now) {
      const fresh = new Set(items.map((i) => i.key).filter((k) => !rows.has(k)));
      if (rows.size + fresh.size > capacity) return 'full';
      for (const { key, job } of items) {
        const row = rows.get(key);
        if (row) row.generation++;
        else rows.set(key, { job, generation: 1, attempts: 0, due: now.getTime(), lockedBy: null, until: 0 });
      }
      return 'queued';
    },
    async claim(workerId, now, leaseMs, max) {
      const t = now.getTime();
      const out: QueuedJob<J>[] = [];
      for (const [key, row] of rows) {
        if (out.length >= max) break;
        if (row.due > t || (row.lockedBy && row.until > t)) continue;
        row.lockedBy = workerId;
        row.until = t + leaseMs;
        row.attempts++;
        out.push({ key, job: row.job, generation: row.generation, attempts: row.attempts });
      }
      return out;
    },
    async renew(workerId, keys, now, leaseMs) {
      return keys.filter((key) => {
        const row = rows.get(key);
        if (row?.lockedBy !== workerId) return false;
        row.until = now.getTime() + leaseMs;
        return true;
      });
    },
    async finish(key, workerId, generation, outcome) {
      const row = rows.get(key);
      if (row?.lockedBy !== workerId) return;
      if (outcome.kind === 'drop' || (outcome.kind === 'done' && row.generation === generation)) {
        rows.delete(key);
        return;
      }
      row.lockedBy = null;
      row.until = 0;
      if (outcome.kind === 'retry') row.due = outcome.nextAttemptAt.getTime();
      else row.attempts = 0;
    },
    async depth() {
      return rows.size;
    },
  };
}
