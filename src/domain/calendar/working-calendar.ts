/**
 * A working calendar: which London calendar days are working days for one organisation. Working days
 * are Monday to Friday, excluding the bank holidays of the organisation's division and any closure days
 * the organisation configures (DESIGN.md, "Working days").
 */
import type { BankHolidayFeed, Division } from './bank-holidays.ts';
import { assertCalendarDay, type CalendarDay, dayOfWeek } from './calendar-day.ts';
import { CalendarCoverageError } from './errors.ts';

/**
 * An immutable working calendar. Build it with `createWorkingCalendar` or `bundledCalendar`.
 * `coveredFrom`..`coveredTo` are the whole years the bank-holiday data spans; asking about a day outside
 * them throws `CalendarCoverageError` rather than silently treating that year as holiday-free.
 *
 * @example
 * const calendar: WorkingCalendar = bundledCalendar('england-and-wales');
 * calendar.bankHolidays.get('2026-12-28'); // 'Boxing Day (Substitute day)'
 */
export interface WorkingCalendar {
  readonly division: Division;
  /** Bank-holiday date → title (with the feed's notes, e.g. "(Substitute day)"). */
  readonly bankHolidays: ReadonlyMap<CalendarDay, string>;
  /** Days the organisation is closed, on top of bank holidays. */
  readonly closureDays: ReadonlySet<CalendarDay>;
  readonly coveredFrom: CalendarDay;
  readonly coveredTo: CalendarDay;
}

/**
 * Builds the working calendar of one division from a parsed feed, plus an organisation's closure days.
 * Throws `CalendarInputError` for a malformed closure day.
 *
 * @example
 * const calendar = createWorkingCalendar({
 *   division: 'scotland',
 *   bankHolidays: parseBankHolidays(json),
 *   closureDays: ['2026-12-24'],
 * });
 */
export function createWorkingCalendar({
  division,
  bankHolidays,
  closureDays = [],
}: {
  division: Division;
  bankHolidays: BankHolidayFeed;
  closureDays?: readonly string[];
}): WorkingCalendar {
  const events = bankHolidays[division].events;
  const holidays = new Map<CalendarDay, string>();
  for (const event of events) {
    holidays.set(event.date, event.notes ? `${event.title} (${event.notes})` : event.title);
  }
  const years = events.map((event) => Number(event.date.slice(0, 4)));
  const closures = new Set(closureDays.map((day, index) => assertCalendarDay(day, `closureDays[${index}]`)));
  return Object.freeze({
    division,
    bankHolidays: holidays,
    closureDays: closures,
    // An empty division covers nothing, so every question about it fails loudly.
    coveredFrom: years.length ? `${Math.min(...years)}-01-01` : '9999-12-31',
    coveredTo: years.length ? `${Math.max(...years)}-12-31` : '0000-01-01',
  });
}

/**
 * True when `day` is Monday–Friday, not a bank holiday of the calendar's division and not a closure day.
 *
 * @example
 * const ew = bundledCalendar('england-and-wales');
 * isWorkingDay(ew, '2026-12-28'); // false (Boxing Day substitute)
 * isWorkingDay(bundledCalendar('scotland'), '2026-06-15'); // false (Scotland only)
 * isWorkingDay(ew, '2026-06-15'); // true
 */
export function isWorkingDay(calendar: WorkingCalendar, day: CalendarDay): boolean {
  assertCalendarDay(day, 'day');
  assertCovered(calendar, day);
  const weekday = dayOfWeek(day);
  if (weekday === 0 || weekday === 6) return false;
  return !calendar.bankHolidays.has(day) && !calendar.closureDays.has(day);
}

/**
 * Throws `CalendarCoverageError` when `day` is outside the calendar's bank-holiday data.
 *
 * @example
 * assertCovered(bundledCalendar('scotland'), '2040-01-02'); // throws
 */
export function assertCovered(calendar: WorkingCalendar, day: CalendarDay): void {
  if (day < calendar.coveredFrom || day > calendar.coveredTo) {
    throw new CalendarCoverageError(calendar.division, day, calendar.coveredFrom, calendar.coveredTo);
  }
}
