/**
 * Reminder instants before a working-day deadline, e.g. "half the time has gone".
 */
import { CalendarInputError } from './errors.ts';
import type { WorkingCalendar } from './working-calendar.ts';
import { addWorkingDays, assertWorkingDayCount } from './working-days.ts';

/**
 * One reminder: after `workingDays` of the window's working days (`floor(N × fraction)`), due at the end
 * of that working day.
 *
 * @example
 * const warning: WarningInstant = { fraction: 0.5, workingDays: 2, dueDate: '2026-12-29', due: new Date('2026-12-29T23:59:59.999Z') };
 */
export interface WarningInstant {
  readonly fraction: number;
  readonly workingDays: number;
  readonly dueDate: string;
  readonly due: Date;
}

/**
 * For each fraction, the end of working day `floor(workingDays × fraction)` of a window that starts at
 * `from`, counted exactly like `addWorkingDays`. A fraction whose working day is 0 (a window too short for
 * it) is skipped, so a 1-working-day window has no 0.5 or 0.75 warning. Results keep the order of
 * `fractions`; two fractions can land on the same working day (e.g. N = 2 gives day 1 for both 0.5 and
 * 0.75), and both are returned so the caller decides whether to send one reminder or two. Fractions must
 * be in [0, 1].
 *
 * @example
 * const calendar = bundledCalendar('england-and-wales');
 * warningInstants({ calendar, from: new Date('2026-12-23T10:00:00Z'), workingDays: 5, fractions: [0.5, 0.75] });
 * // [{ fraction: 0.5, workingDays: 2, dueDate: '2026-12-29', … }, { fraction: 0.75, workingDays: 3, dueDate: '2026-12-30', … }]
 */
export function warningInstants({
  calendar,
  from,
  workingDays,
  fractions,
}: {
  calendar: WorkingCalendar;
  from: Date;
  workingDays: number;
  fractions: readonly number[];
}): WarningInstant[] {
  assertWorkingDayCount(workingDays, 'workingDays');
  const warnings: WarningInstant[] = [];
  fractions.forEach((fraction, index) => {
    if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
      throw new CalendarInputError(`fractions[${index}]`, fraction, 'expected a number from 0 to 1');
    }
    // Rounding first keeps products like 10 × 0.7 = 6.999… from losing a day.
    const day = Math.floor(Math.round(workingDays * fraction * 1e9) / 1e9);
    if (day === 0) return;
    warnings.push({ fraction, workingDays: day, ...addWorkingDays({ calendar, from, workingDays: day }) });
  });
  return warnings;
}
