/**
 * RAG on cards: the one computation in `src/wording/rag.ts` (status, the step's deadline and the
 * overall cap), and the band alone for callers that only need a traffic light.
 *
 * @example rag({ startedAt: '2026-12-01T09:00:00Z', due: '2026-12-07T23:59:59.999Z', now: '2026-12-05T09:00:00Z' }) // 'amber'
 */
import { type Rag, ragOf } from '../wording/rag.ts';

export { type Rag, type RagColor, type RagInput, type RagKind, type RagView, ragOf } from '../wording/rag.ts';

/** The band of one open clock (no status, no cap): red after `due`, amber from half the time used. */
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
  if (startedAt !== null && Number.isNaN(Date.parse(startedAt)))
    throw new RangeError(`rag: not an instant (startedAt ${startedAt})`);
  return ragOf({
    status: 'open',
    now,
    stage: { startedAt, due },
    overall: { startedAt: null, due: null, workingDays: null },
  }).rag;
}

/** Adaptive Card colour names for each band (never a custom hue). */
export const RAG_COLOR: Readonly<Record<Rag, 'good' | 'warning' | 'attention' | 'default'>> = {
  green: 'good',
  amber: 'warning',
  red: 'attention',
  none: 'default',
};

/** Words for each band, so colour is never the only signal. */
export const RAG_LABEL: Readonly<Record<Rag, string>> = {
  green: 'On track',
  amber: 'Half the time used',
  red: 'Overdue',
  none: 'No fixed timescale',
};
