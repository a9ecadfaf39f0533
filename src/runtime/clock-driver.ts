/**
 * Drives the test clock forward (`POST /dev/clock`): it steps time timer by timer, in due order, so
 * each timer fires at its own instant, and after each step runs the scheduler and the outbox
 * worker until neither finds anything due. These are the same scheduler and worker the polling
 * loops run; the driver only decides when time moves.
 *
 * @example
 * const driver = createClockDriver({ clock, scheduler, worker });
 * const { now, fired } = await driver.advanceTo(new Date('2026-12-22T00:00:00Z'));
 */
import type { Logger } from '../log/index.ts';
import { silentLogger } from '../log/index.ts';
import { type AdjustableClock, ClockError } from './clock.ts';
import type { OutboxWorker } from './outbox-worker.ts';
import type { FiredTimer, Scheduler } from './scheduler.ts';

export interface AdvanceResult {
  readonly now: string;
  readonly fired: readonly FiredTimer[];
}

export interface ClockDriver {
  readonly clock: AdjustableClock;
  /** Moves forward to `target` (never back: `ClockError`), firing everything due on the way. */
  advanceTo(target: Date): Promise<AdvanceResult>;
}

/** Guards against a decide that keeps setting timers at "now" forever. */
const MAX_ROUNDS = 10_000;

export function createClockDriver(options: {
  readonly clock: AdjustableClock;
  readonly scheduler: Scheduler;
  readonly worker: OutboxWorker;
  readonly log?: Logger;
}): ClockDriver {
  const { clock, scheduler, worker } = options;
  const log = (options.log ?? silentLogger()).child({ component: 'clock-driver' });
  let queue: Promise<unknown> = Promise.resolve();

  async function settle(): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const timers = await scheduler.runOnce();
      const effects = await worker.runOnce();
      if (timers.length === 0 && effects.claimed === 0) {
        // A polling loop may be mid-way through a timer or an effect we could not take: wait for it,
        // then look again, so nothing is left running when time moves on.
        if (worker.inFlight() === 0 && !scheduler.busy()) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    throw new Error(`the clock driver gave up after ${MAX_ROUNDS} rounds at ${clock.now().toISOString()}`);
  }

  async function advance(target: Date): Promise<AdvanceResult> {
    if (Number.isNaN(target.getTime())) throw new ClockError('advanceTo must be an ISO 8601 instant');
    if (target.getTime() < clock.now().getTime()) {
      throw new ClockError(
        `the test clock only moves forward: ${target.toISOString()} is before ${clock.now().toISOString()}`,
      );
    }
    // Collected through the scheduler's listener, so timers its polling loop fires meanwhile are reported too.
    const fired: FiredTimer[] = [];
    const unsubscribe = scheduler.onFired((timer) => fired.push(timer));
    try {
      await settle();
      for (let step = 0; step < MAX_ROUNDS; step += 1) {
        const next = await scheduler.nextDue(clock.now(), target);
        if (next === null) break;
        await clock.advanceTo(next);
        await settle();
      }
      await clock.advanceTo(target);
      await settle();
    } finally {
      unsubscribe();
    }
    log.info({ now: target.toISOString(), fired: fired.length }, 'test clock advanced');
    return { now: clock.now().toISOString(), fired };
  }

  return {
    clock,
    // One advance at a time, in the order asked.
    advanceTo(target) {
      const run = queue.then(() => advance(target));
      queue = run.catch(() => {});
      return run;
    },
  };
}
