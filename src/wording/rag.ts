/**
 * The dispute's red/amber/green, computed in one place from the current step's deadline, the
 * overall cap and the dispute's status. Every card, the tab and the case file read it from here,
 * so a card never says "On track" beside a 75% warning, on a closed dispute, or after a deadline.
 *
 * Colours are Adaptive Card colour names only (`good`, `warning`, `attention`, `default`): each
 * Teams theme (light, dark, high contrast) maps them to its own accessible colour, which custom
 * hues would not. The words always say what the colour says, so colour is never the only signal.
 *
 * @example ragOf({ status: 'open', now: '2026-12-05T09:00:00Z',
 *   stage: { startedAt: '2026-12-01T09:00:00Z', due: '2026-12-07T23:59:59.999Z' },
 *   overall: { startedAt: null, due: null, workingDays: null } }).label // 'Half the time used'
 */
import type { DisputeStatus } from '../domain/dispute/types.ts';
import { dueInWords, limitInWords } from './dates.ts';

export type RagKind =
  | 'on-track'
  | 'half-used'
  | 'three-quarters-used'
  | 'overdue'
  | 'overall-passed'
  | 'resolved'
  | 'paused'
  | 'closed'
  | 'no-timescale';

export type RagColor = 'good' | 'warning' | 'attention' | 'default';
/** The traffic light itself, for code that only needs the band. */
export type Rag = 'green' | 'amber' | 'red' | 'none';

/** A warning already given (a stage or overall warning card): the RAG is never lower than it. */
export type WarningLevel = 50 | 75 | 100;

export interface RagInput {
  readonly status: DisputeStatus;
  readonly now: string;
  /** The current step's clock. */
  readonly stage: { readonly startedAt: string | null; readonly due: string | null };
  /** The procedure's overall cap. */
  readonly overall: {
    readonly startedAt: string | null;
    readonly due: string | null;
    readonly workingDays: number | null;
  };
  /** The step is on hold (an action could not be completed; an exceptional route is being taken). */
  readonly paused?: boolean;
  readonly warned?: { readonly stage?: WarningLevel; readonly overall?: WarningLevel };
}

export interface RagView {
  readonly kind: RagKind;
  readonly rag: Rag;
  readonly label: string;
  readonly color: RagColor;
  /** One sentence on the overall cap when it needs saying (half used, three quarters, passed), else ''. */
  readonly overallLine: string;
  readonly overallColor: RagColor;
}

const LABEL: Readonly<Record<RagKind, string>> = {
  'on-track': 'On track',
  'half-used': 'Half the time used',
  'three-quarters-used': 'Three quarters of the time used',
  overdue: 'Overdue',
  'overall-passed': 'Overall time limit passed',
  resolved: 'Resolved',
  paused: 'On hold',
  closed: 'Closed',
  'no-timescale': 'No fixed timescale',
};

const COLOR: Readonly<Record<RagKind, RagColor>> = {
  'on-track': 'good',
  'half-used': 'warning',
  'three-quarters-used': 'warning',
  overdue: 'attention',
  'overall-passed': 'attention',
  resolved: 'good',
  paused: 'default',
  closed: 'default',
  'no-timescale': 'default',
};

const BAND: Readonly<Record<RagKind, Rag>> = {
  'on-track': 'green',
  'half-used': 'amber',
  'three-quarters-used': 'amber',
  overdue: 'red',
  'overall-passed': 'red',
  resolved: 'green',
  paused: 'none',
  closed: 'none',
  'no-timescale': 'none',
};

/** How an ended dispute is labelled: what happened, never "On track". */
const ENDED: Readonly<Record<Exclude<DisputeStatus, 'open' | 'resolved'>, string>> = {
  closed: 'Closed',
  withdrawn: 'Withdrawn',
  accepted: 'Ended: decision accepted',
  unresolved: 'Ended unresolved',
};

/** 0 no clock, 1 on track, 2 half used, 3 three quarters used, 4 passed. */
type Level = 0 | 1 | 2 | 3 | 4;

function levelOf(
  clock: { readonly startedAt: string | null; readonly due: string | null },
  now: number,
  warned: WarningLevel | undefined,
): Level {
  if (!clock.due) return 0;
  const end = Date.parse(clock.due);
  if (Number.isNaN(end) || Number.isNaN(now)) throw new RangeError(`rag: not an instant (due ${clock.due})`);
  const byWarning: Level = warned === 100 ? 4 : warned === 75 ? 3 : warned === 50 ? 2 : 1;
  if (now > end) return 4;
  let byTime: Level = 1;
  const start = clock.startedAt ? Date.parse(clock.startedAt) : Number.NaN;
  if (!Number.isNaN(start)) {
    const used = end <= start ? 1 : (now - start) / (end - start);
    byTime = used >= 0.75 ? 3 : used >= 0.5 ? 2 : 1;
  }
  return Math.max(byTime, byWarning) as Level;
}

const STAGE_KIND: Readonly<Record<Level, RagKind>> = {
  0: 'no-timescale',
  1: 'on-track',
  2: 'half-used',
  3: 'three-quarters-used',
  4: 'overdue',
};

function overallLine(level: Level, workingDays: number | null, due: string | null): string {
  const cap = workingDays ? `the ${limitInWords(workingDays)}` : 'the overall time limit';
  const by = due ? ` (${dueInWords(due)})` : '';
  switch (level) {
    case 4:
      return `${capitalise(cap)}${by} has passed.`;
    case 3:
      return `Three quarters of ${cap}${by} is used.`;
    case 2:
      return `Half of ${cap}${by} is used.`;
    default:
      return '';
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const LEVEL_COLOR: Readonly<Record<Level, RagColor>> = {
  0: 'default',
  1: 'good',
  2: 'warning',
  3: 'warning',
  4: 'attention',
};

/** The dispute's RAG: status first (ended, resolved, on hold), then the worse of the step and the cap. */
export function ragOf(input: RagInput): RagView {
  const view = (kind: RagKind, label = LABEL[kind], line = '', lineColor: RagColor = 'default'): RagView => ({
    kind,
    rag: BAND[kind],
    label,
    color: COLOR[kind],
    overallLine: line,
    overallColor: lineColor,
  });
  if (input.status === 'resolved') return view('resolved');
  if (input.status !== 'open') return view('closed', ENDED[input.status]);
  if (input.paused) return view('paused');
  const now = Date.parse(input.now);
  const stage = levelOf(input.stage, now, input.warned?.stage);
  const overall = levelOf(input.overall, now, input.warned?.overall);
  const line = overallLine(overall, input.overall.workingDays, input.overall.due);
  const lineColor = LEVEL_COLOR[overall];
  if (overall === 4 && stage < 4) return view('overall-passed', LABEL['overall-passed'], line, lineColor);
  const worst = Math.max(stage, overall) as Level;
  return view(STAGE_KIND[worst], LABEL[STAGE_KIND[worst]], line, lineColor);
}
