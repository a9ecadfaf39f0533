/**
 * The oversight report for a period, from the store: the figures (see figures.ts), and the same
 * figures as CSV or DOCX. Used by the tab's dashboard API and by `concord report`.
 *
 * @example
 * const figures = await periodFigures({ store, directory, procedures, now, from: '2027-01-01', to: '2027-03-31' });
 * const csv = renderCsv(figures);
 */
import type { DirectoryService } from '../directory/directory-service.ts';
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
}

export async function periodFigures(input: PeriodFiguresInput): Promise<Figures> {
  return computeFigures(await loadReportInputs(input.store), {
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
