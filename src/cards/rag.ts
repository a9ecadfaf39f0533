/**
 * Red/amber/green for a deadline, from the time used so far. Pure: `now` is passed in.
 *
 * - `red`: the deadline has passed (`now` is after `due`).
 * - `amber`: at least half of the time from `startedAt` to `due` is used.
 * - `green`: otherwise, or when the start is unknown and the deadline has not passed.
 * - `none`: there is no deadline (a stage with no counted timescale).
 *
 * @example rag({ startedAt: '2026-12-01T09:00:00Z', due: '2026-12-07T23:59:59.999Z', now: '2026-12-05T09:00:00Z' }) // 'amber'
 */
export type Rag = 'green' | 'amber' | 'red' | 'none';

export function rag({
  startedAt,
  due,
  now,
}: {
  startedAt: string | null;
  due: string | null;
  now: string;
}): Rag {
  if (!due) return 'none';
  const end = Date.parse(due);
  const at = Date.parse(now);
  if (Number.isNaN(end) || Number.isNaN(at))
    throw new RangeError(`rag: not an instant (due ${due}, now ${now})`);
  if (at > end) return 'red';
  if (!startedAt) return 'green';
  const start = Date.parse(startedAt);
  if (Number.isNaN(start)) throw new RangeError(`rag: not an instant (startedAt ${startedAt})`);
  if (end <= start) return 'amber';
  return (at - start) / (end - start) >= 0.5 ? 'amber' : 'green';
}

/** Words for each RAG, so colour is never the only signal. */
export const RAG_LABEL: Readonly<Record<Rag, string>> = {
  green: 'On track',
  amber: 'Half the time or more used',
  red: 'Overdue',
  none: 'No fixed timescale',
};

/** Adaptive Card `color` (TextBlock) and `style` (Container) for each RAG. */
export const RAG_COLOR: Readonly<Record<Rag, 'good' | 'warning' | 'attention' | 'default'>> = {
  green: 'good',
  amber: 'warning',
  red: 'attention',
  none: 'default',
};
