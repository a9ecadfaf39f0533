/**
 * Sends on their way (`sendDelayMs`): counted per emulator, so `notifier.idle()` (and the admin API's
 * `POST /notifications/idle`) can wait until every sent item has reached Sent Items and its
 * recipients, and their change notifications have gone.
 */
import type { EmulatorState } from './state.ts';

interface Pending {
  count: number;
  waiters: (() => void)[];
}

const pending = new WeakMap<EmulatorState, Pending>();

function of(state: EmulatorState): Pending {
  let p = pending.get(state);
  if (!p) {
    p = { count: 0, waiters: [] };
    pending.set(state, p);
  }
  return p;
}

export function sendStarted(state: EmulatorState): void {
  of(state).count++;
}

export function sendFinished(state: EmulatorState): void {
  const p = of(state);
  p.count = Math.max(0, p.count - 1);
  if (p.count === 0) for (const resolve of p.waiters.splice(0)) resolve();
}

/** Resolves once no send is on its way. */
export function sendsSettled(state: EmulatorState): Promise<void> {
  const p = of(state);
  if (p.count === 0) return Promise.resolve();
  return new Promise((resolve) => p.waiters.push(resolve));
}
