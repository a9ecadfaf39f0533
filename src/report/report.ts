/**
 * The oversight report for a period, from the store: the figures (see figures.ts), and the same
 * figures as CSV or DOCX. Used by the tab's dashboard API and by `concord report`.
 *
 * @example
 * const figures = await periodFigures({ store, directory, procedures, now, from: '2027-01-01', to: '2027-03-31' });
 * const csv = renderCsv(figures);
 */
import type { DirectoryService } from '../directory/directory-service.ts';
import { endOfLondonDay } from '../domain/calendar/index.ts';
import type { DisputeState } from '../domain/dispute/types.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';
import type { Store } from '../store/open-store.ts';
import { computeFigures, type Figures } from './figures.ts';
import { loadReportInputs } from './inputs.ts';

export interface PeriodFiguresInput {
  readonly store: Store;
  readonly directory: Pick<DirectoryService, 'calendar' | 'organisation'>;
  readonly procedures: ReadonlyMap<string, ProcedureDefinition>;
  readonly now: Date;
  readonly from: string;
  readonly to: string;
  /**
   * The disputes named as they were at an instant, by replaying their events up to then (the
   * dispute service's `replayAll`, which reads their logs a chunk at a time). For a period that has
   * ended, the disputes open at its end are read as they were then, so "open by stage", RAG, overdue
   * steps and agreed actions are the period's, not today's. Without it they are read as they are now.
   */
  readonly statesAsAt?: (
    disputeIds: readonly string[],
    at: Date,
  ) => Promise<ReadonlyMap<string, DisputeState>>;
}

export async function periodFigures(input: PeriodFiguresInput): Promise<Figures> {
  let inputs = await loadReportInputs(input.store);
  const asAt = Math.min(input.now.getTime(), endOfLondonDay(input.to).getTime());
  const statesAsAt = input.statesAsAt;
  if (statesAsAt && asAt < input.now.getTime()) {
    const openThen = (s: DisputeState) =>
      Date.parse(s.raisedAt) <= asAt && (s.endedAt === null || Date.parse(s.endedAt) > asAt);
    const then = await statesAsAt(
      inputs.states.filter(openThen).map((s) => s.id),
      new Date(asAt),
    );
    inputs = { ...inputs, states: inputs.states.map((s) => (openThen(s) ? (then.get(s.id) ?? s) : s)) };
  }
  return computeFigures(inputs, {
    from: input.from,
    to: input.to,
    now: input.now,
    procedures: input.procedures,
    calendarFor: (id) => input.directory.calendar(id),
    organisationName: (id) => input.directory.organisation(id)?.name ?? id,
  });
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Checks a period's two dates; returns the reason when they are not usable. */
export function periodProblem(from: string | undefined, to: string | undefined): string | null {
  if (!from || !DAY.test(from) || Number.isNaN(Date.parse(from))) return '--from must be a date YYYY-MM-DD';
  if (!to || !DAY.test(to) || Number.isNaN(Date.parse(to))) return '--to must be a date YYYY-MM-DD';
  if (from > to) return `the period ends (${to}) before it starts (${from})`;
  return null;
}
