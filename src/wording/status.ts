/**
 * A dispute's status in words, as cards, the tab and the case file say it.
 * @example statusInWords('accepted') // 'Ended: the decision was accepted'
 */
import type { DisputeStatus } from '../domain/dispute/types.ts';

const STATUS: Readonly<Record<DisputeStatus, string>> = {
  open: 'Open',
  resolved: 'Resolved',
  accepted: 'Ended: the decision was accepted',
  withdrawn: 'Withdrawn',
  unresolved: 'Ended unresolved',
  closed: 'Closed',
};

export function statusInWords(status: DisputeStatus | string): string {
  return STATUS[status as DisputeStatus] ?? 'Unknown';
}
