/**
 * Time, injected. Domain time (deadlines, timers, `now` given to `decide`) comes from a `Clock`;
 * nothing in Concord that matters calls `Date.now()` directly.
 *
 * - `systemClock`: real time.
 * - `TestClock` (`CLOCK=test`): stands still until told to move forward; its instant is kept in
 *   the store (`kv['test-clock']`) so a restart resumes where it was. Stripe's test clocks are the model.
 */
import type { Store } from '../store/open-store.ts';
import { getKvValue, putKvValue } from '../store/operations/index.ts';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that moves only forward, and only when told. */
export interface AdjustableClock extends Clock {
  /** Moves to `instant`. Throws `ClockError` if it is earlier than now. */
  advanceTo(instant: Date): Promise<void>;
}

/** A request to move a clock backwards, or to an invalid instant. */
export class ClockError extends Error {
  override readonly name = 'ClockError';
}

const TEST_CLOCK_KEY = 'test-clock';

/**
 * Opens the persisted test clock. On first use it starts at `initial` (default: the real time now,
 * truncated to the second); afterwards at the instant stored.
 *
 * @example
 * const clock = await openTestClock(store);
 * await clock.advanceTo(new Date('2026-07-01T09:00:00Z'));
 */
export async function openTestClock(
  store: Store,
  options: { initial?: Date } = {},
): Promise<AdjustableClock> {
  const stored = await readTestClockInstant(store);
  let current: Date;
  if (stored) {
    current = stored;
  } else {
    current = options.initial ?? new Date(Math.floor(Date.now() / 1000) * 1000);
    await persist(store, current);
  }
  return {
    now: () => new Date(current.getTime()),
    async advanceTo(instant) {
      if (Number.isNaN(instant.getTime())) throw new ClockError('not a valid instant');
      if (instant.getTime() < current.getTime()) {
        throw new ClockError(
          `the test clock only moves forward: ${instant.toISOString()} is before ${current.toISOString()}`,
        );
      }
      await persist(store, instant);
      current = new Date(instant.getTime());
    },
  };
}

/** The stored test-clock instant, without creating one (for the CLI). Null when none is stored. */
export async function readTestClockInstant(store: Store): Promise<Date | null> {
  const value = await getKvValue(store.db, TEST_CLOCK_KEY);
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value) : null;
}

async function persist(store: Store, instant: Date): Promise<void> {
  await putKvValue(store.db, TEST_CLOCK_KEY, instant.toISOString());
}
