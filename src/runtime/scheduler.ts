/**
 * The scheduler: fires due timers (`due_at <= clock.now()`, domain time) as `timer-fired` events
 * through `decide`, in the same transaction that marks the timer fired.
 *
 * Per timer: prepare the dispute's context (outside any transaction), then in one transaction
 * lock the dispute row, lock the timer `FOR UPDATE SKIP LOCKED` (still unfired, not cancelled),
 * apply the event and set `fired_at`. Locks are always taken dispute first, then timer, the same
 * order `applyEvent` uses, so two schedulers cannot deadlock; the second one to reach a timer
 * finds it locked or already fired and skips it. A timer is fired once even when `decide`
 * refuses the event (a stale timer): the refusal is kept in `outcome`.
 *
 * A batch fires the timers of different disputes side by side (`concurrency` transactions at once,
 * one per engine's profile), and each dispute's own timers one after another in due order.
 *
 * If applying throws (a bug, an unreachable database), the timer is held off with backoff
 * (`locked_until`, wall time) and retried; it is never lost.
 */
import { randomUUID } from 'node:crypto';
import type { TimerKind } from '../domain/dispute/types.ts';
import type { Logger } from '../log/index.ts';
import { silentLogger } from '../log/index.ts';
import type { Store } from '../store/open-store.ts';
import {
  holdOffTimer,
  listDueTimers,
  lockDispute,
  lockPendingTimer,
  markTimerFired,
  nextTimerDue,
} from '../store/operations/index.ts';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from './backoff.ts';
import { type Clock, systemClock } from './clock.ts';
import { type DisputeService, STALE } from './dispute-service.ts';

/** A timer the scheduler fired. `at` is the domain instant it fired at. */
export interface FiredTimer {
  readonly key: string;
  readonly kind: TimerKind;
  readonly disputeId: string;
  readonly stageId: string;
  readonly dueAt: string;
  readonly at: string;
  /** 'applied', or 'refused:<reason>' when decide refused it (e.g. a stale timer). */
  readonly outcome: string;
}

export interface SchedulerOptions {
  readonly store: Store;
  readonly service: DisputeService;
  /** Domain time: what "due" means. */
  readonly clock: Clock;
  /** Real time, for the hold-off after a failure. */
  readonly wallClock?: Clock;
  readonly schedulerId?: string;
  readonly batchSize?: number;
  /** Disputes whose timers fire side by side (default: the engine's `fireConcurrency`). */
  readonly concurrency?: number;
  readonly random?: () => number;
  readonly log?: Logger;
}

export interface Scheduler {
  readonly schedulerId: string;
  /** Fires one batch of due timers, in due order. */
  runOnce(): Promise<FiredTimer[]>;
  /** The earliest pending timer due after `after` and no later than `until`, if any. */
  nextDue(after: Date, until: Date): Promise<Date | null>;
  /** True while a `runOnce` of this instance (e.g. its polling loop) is under way. */
  busy(): boolean;
  /** Calls `listener` for every timer this scheduler fires, whoever called `runOnce`. Returns an unsubscribe. */
  onFired(listener: (timer: FiredTimer) => void): () => void;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { store, service, clock } = options;
  const wallClock = options.wallClock ?? systemClock;
  const schedulerId = options.schedulerId ?? `scheduler-${randomUUID().slice(0, 8)}`;
  const concurrency = Math.max(1, options.concurrency ?? store.profile.fireConcurrency);
  const batchSize = options.batchSize ?? store.profile.claimBatch * concurrency;
  const random = options.random ?? Math.random;
  const log = (options.log ?? silentLogger()).child({ component: 'scheduler', schedulerId });
  const listeners = new Set<(timer: FiredTimer) => void>();

  async function fire(key: string, disputeId: string): Promise<FiredTimer | null> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const prepared = await service.prepare(disputeId);
      const outcome = await store.db.transaction().execute(async (trx) => {
        const locked = await lockDispute(trx, disputeId, prepared.version);
        const timer = await lockPendingTimer(trx, key);
        if (!timer) return null;
        const now = clock.now();
        const applied = await service.applyPrepared(
          trx,
          prepared,
          { type: 'timer-fired', key: timer.key, kind: timer.kind, stageId: timer.stage_id },
          { source: 'timer', locked },
        );
        if (applied === STALE) return STALE;
        const result = applied.ok ? 'applied' : `refused:${applied.refusal.reason}`;
        await markTimerFired(trx, { key, at: now, outcome: result, schedulerId });
        return {
          key,
          kind: timer.kind,
          disputeId,
          stageId: timer.stage_id,
          dueAt: timer.due_at.toISOString(),
          at: now.toISOString(),
          outcome: result,
        } satisfies FiredTimer;
      });
      if (outcome !== STALE) return outcome;
    }
    return null;
  }

  async function holdOff(key: string, error: unknown): Promise<void> {
    await holdOffTimer(store.db, {
      key,
      error: error instanceof Error ? error.message : String(error),
      schedulerId,
      wallNow: wallClock.now(),
      delayFor: (attempt) => retryDelayMs({ attempt, policy: DEFAULT_RETRY_POLICY, random }),
    });
  }

  let running = 0;

  async function runOnce(): Promise<FiredTimer[]> {
    running += 1;
    try {
      return await fireDue();
    } finally {
      running -= 1;
    }
  }

  async function fireDue(): Promise<FiredTimer[]> {
    const now = clock.now();
    const wallNow = wallClock.now();
    const due = await listDueTimers(store.db, { now, wallNow, limit: batchSize });
    const fired: FiredTimer[] = [];
    // A dispute's timers fire one at a time in due order (a timer's consequences, new timers and
    // cancellations, are visible to the next); different disputes fire side by side, at most
    // `concurrency` transactions at once (issue 15: 100 due timers one by one took about 1 s).
    const byDispute = new Map<string, string[]>();
    for (const { key, dispute_id } of due) {
      const keys = byDispute.get(dispute_id);
      if (keys) keys.push(key);
      else byDispute.set(dispute_id, [key]);
    }
    const queue = [...byDispute];
    const fireDispute = async ([disputeId, keys]: [string, string[]]) => {
      for (const key of keys) {
        try {
          const result = await fire(key, disputeId);
          if (result) {
            fired.push(result);
            for (const listener of listeners) listener(result);
            log.info({ key, kind: result.kind, disputeId, outcome: result.outcome }, 'timer fired');
          }
        } catch (error) {
          log.error({ err: error, key, disputeId }, 'timer failed; will retry');
          await holdOff(key, error);
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await fireDispute(next);
      }),
    );
    // In due order, as they were listed, whichever finished first.
    const order = new Map(due.map((d, i) => [d.key, i]));
    fired.sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));
    return fired;
  }

  async function nextDue(after: Date, until: Date): Promise<Date | null> {
    return nextTimerDue(store.db, after, until);
  }

  function onFired(listener: (timer: FiredTimer) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  return { schedulerId, runOnce, nextDue, onFired, busy: () => running > 0 };
}
