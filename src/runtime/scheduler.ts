/**
 * The scheduler: fires due timers (`due_at <= clock.now()`, domain time) as `timer-fired` events
 * through `decide`, in the same statement or transaction that marks the timer fired.
 *
 * A batch is claimed in one statement (`claimDueTimers`): the due timers, each with a lease for
 * this scheduler (`locked_by`, `locked_until`, wall time) and its dispute's row, so a second
 * scheduler (another instance) lists other timers meanwhile. Per timer, the event is decided on the
 * dispute as the claim read it and written by ONE statement that also marks the timer fired, and
 * that holds only while the dispute's version is still that one and the timer still pending
 * (`DisputeService.applyUnlocked`). When it did not hold (the dispute moved, the timer was
 * cancelled), or decide refused, the timer goes the locked way: prepare, then in one transaction
 * lock the dispute row, lock the timer `FOR UPDATE SKIP LOCKED` (still unfired, not cancelled),
 * apply the event and set `fired_at`. Locks are always taken dispute first, then timer, the same
 * order `applyEvent` uses, so two schedulers cannot deadlock; the second one to reach a timer finds
 * it locked or already fired and skips it. A timer is fired once even when `decide` refuses the
 * event (a stale timer): the refusal is kept in `outcome`. The lease only spares work: a timer whose
 * lease ran out under a slow scheduler still fires once.
 *
 * A batch fires the timers of different disputes side by side (`concurrency` at once, one per
 * engine's profile), and each dispute's own timers one after another in due order.
 *
 * If applying throws (a bug, an unreachable database), the timer is held off with backoff
 * (`locked_until`, wall time) and retried; it is never lost. A claimed timer this scheduler did not
 * fire (it kept changing) is given back at the end of the batch.
 */
import { randomUUID } from 'node:crypto';
import type { TimerKind } from '../domain/dispute/types.ts';
import type { Logger } from '../log/index.ts';
import { silentLogger } from '../log/index.ts';
import type { Store } from '../store/open-store.ts';
import type { ClaimedTimer } from '../store/operations/claim-due-timers.ts';
import {
  claimDueTimers,
  holdOffTimer,
  lockDispute,
  lockPendingTimer,
  markTimerFired,
  nextTimerDue,
  releaseTimers,
} from '../store/operations/index.ts';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from './backoff.ts';
import { type Clock, systemClock } from './clock.ts';
import { type DisputeService, type Prepared, STALE } from './dispute-service.ts';

/** How long a claimed timer is this scheduler's before another may list it (wall time). */
export const DEFAULT_TIMER_LEASE_MS = 15_000;

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
  /** How long a claim holds (default DEFAULT_TIMER_LEASE_MS). */
  readonly leaseMs?: number;
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
  const leaseMs = options.leaseMs ?? DEFAULT_TIMER_LEASE_MS;
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

  /**
   * Fires a claimed timer on the dispute as `prepared` holds it, in one statement. The new Prepared
   * for the dispute's next timer, or null when it did not hold (the caller goes the locked way).
   */
  async function fireUnlocked(
    timer: ClaimedTimer,
    prepared: Prepared,
  ): Promise<{ fired: FiredTimer; next: Prepared } | null> {
    const now = clock.now();
    const applied = await service.applyUnlocked(
      prepared,
      { type: 'timer-fired', key: timer.key, kind: timer.kind, stageId: timer.stage_id },
      { source: 'timer' },
      { key: timer.key, at: now, schedulerId },
    );
    if (applied === STALE || !applied.ok) return null;
    return {
      fired: {
        key: timer.key,
        kind: timer.kind,
        disputeId: timer.dispute_id,
        stageId: timer.stage_id,
        dueAt: timer.due_at.toISOString(),
        at: now.toISOString(),
        outcome: 'applied',
      },
      next: { ...prepared, version: applied.seq, state: applied.state },
    };
  }

  async function fireDue(): Promise<FiredTimer[]> {
    const now = clock.now();
    const wallNow = wallClock.now();
    const due = await claimDueTimers(store.db, {
      now,
      wallNow,
      leaseUntil: new Date(wallNow.getTime() + leaseMs),
      schedulerId,
      limit: batchSize,
    });
    const fired: FiredTimer[] = [];
    const unfired: string[] = [];
    // A dispute's timers fire one at a time in due order (a timer's consequences, new timers and
    // cancellations, are visible to the next); different disputes fire side by side, at most
    // `concurrency` at once (issue 15: 100 due timers one by one took about 1 s).
    const byDispute = new Map<string, ClaimedTimer[]>();
    for (const timer of due) {
      const timers = byDispute.get(timer.dispute_id);
      if (timers) timers.push(timer);
      else byDispute.set(timer.dispute_id, [timer]);
    }
    const queue = [...byDispute];
    const fireDispute = async ([disputeId, timers]: [string, ClaimedTimer[]]) => {
      const first = timers[0];
      // The dispute as the claim read it; any doubt (no row, contextFor failing) goes the locked way.
      let prepared: Prepared | null =
        first?.version != null && first.state !== null
          ? await service
              .prepareRow({
                id: disputeId,
                procedure_id: first.procedure_id ?? '',
                procedure_version: first.procedure_version ?? '',
                version: first.version,
                state: first.state,
              })
              .catch(() => null)
          : null;
      for (const timer of timers) {
        const { key } = timer;
        try {
          const quick: { fired: FiredTimer; next: Prepared } | null = prepared
            ? await fireUnlocked(timer, prepared)
            : null;
          prepared = quick?.next ?? null;
          const result = quick?.fired ?? (await fire(key, disputeId));
          if (result) {
            fired.push(result);
            for (const listener of listeners) listener(result);
            log.info({ key, kind: result.kind, disputeId, outcome: result.outcome }, 'timer fired');
          } else unfired.push(key);
        } catch (error) {
          prepared = null;
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
    await releaseTimers(store.db, unfired, schedulerId);
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
