/** The workload shared by the crash test and its child process. */
import type { Decide } from '../../../src/domain/dispute/decide-types.ts';
import { createFakeDecide } from '../fake-decide.ts';

export const DISPUTES = 100;
export const TIMERS_PER_DISPUTE = 3;

/** Timers spread over the seconds after the raise, so kills land while they fall due. */
export function crashDecide(): Decide {
  return createFakeDecide({
    plan: (disputeId, now) => {
      const n = Number(disputeId.replace(/\D/g, '')) || 0;
      return Array.from({ length: TIMERS_PER_DISPUTE }, (_, i) => ({
        name: `t${i}`,
        kind: (['stage-warning-50', 'stage-warning-75', 'stage-deadline'] as const)[i] ?? 'stage-deadline',
        at: new Date(now.getTime() + 1_500 + ((n * 37 + i * 1_700) % 6_000)),
      }));
    },
  });
}

/** Every effect that must be delivered: a welcome email per dispute and one email per timer. */
export function expectedEffectKeys(): string[] {
  const keys: string[] = [];
  for (let d = 0; d < DISPUTES; d += 1) {
    keys.push(`c-${d}:welcome`);
    for (let t = 0; t < TIMERS_PER_DISPUTE; t += 1) keys.push(`c-${d}:t${t}:email`);
  }
  return keys;
}
