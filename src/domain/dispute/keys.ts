/**
 * Every key Concord derives: effect keys (idempotency), timer keys (one per timer, so setting it
 * again replaces it and cancelling needs no lookup) and card slot keys (a newer card replaces the
 * older one in place). Nothing else builds a key by hand.
 */
import type { TimerKind } from './types.ts';

/** The key of the `n`th effect emitted by the event that made the dispute's `seq`: stable on replay. */
export function effectKey(disputeId: string, seq: number, n: number): string {
  return `${disputeId}:${seq}:${n}`;
}

/** The dispute `seq` of the event that emitted an effect, from its key (NaN for a key of another shape). */
export function effectSeq(key: string): number {
  const parts = key.split(':');
  return parts.length >= 3 ? Number(parts[parts.length - 2]) : Number.NaN;
}

/** One timer: of a stage (or `overall`, `actions`), of a kind, with a suffix for repeats. */
export function timerKey(disputeId: string, scopeId: string, kind: TimerKind, suffix = ''): string {
  return `${disputeId}:${scopeId}:${kind}${suffix ? `:${suffix}` : ''}`;
}

/** The suffix a timer key was built with (the agreed action's index, the meeting attempt). */
export function timerSuffix(key: string): string {
  return key.split(':').pop() ?? '';
}

/** The dispute's one actionable slot (`step`), or a notice slot per recipient. */
export function slotKey(disputeId: string, slot: string, recipientId: string): string {
  return slot === 'step' ? `${disputeId}:step` : `${disputeId}:${slot}:${recipientId}`;
}
