/**
 * The UK working-day calendar: pure, with time and bank-holiday data passed in.
 *
 * @example
 * import { addWorkingDays, bundledCalendar } from './domain/calendar/index.ts';
 * addWorkingDays({ calendar: bundledCalendar('scotland'), from: new Date('2026-06-12T09:00:00Z'), workingDays: 1 });
 * // { dueDate: '2026-06-16', … } (Monday 15 June 2026 is a Scottish bank holiday)
 */
export {
  type BankHoliday,
  type BankHolidayFeed,
  DIVISIONS,
  type Division,
  isDivision,
  parseBankHolidays,
} from './bank-holidays.ts';
export { bundledBankHolidays, bundledCalendar } from './bundled.ts';
export { addCalendarDays, type CalendarDay, dayOfWeek, isCalendarDay } from './calendar-day.ts';
export {
  BankHolidayFeedError,
  CalendarCoverageError,
  CalendarError,
  CalendarInputError,
  type FeedIssue,
} from './errors.ts';
export { endOfLondonDay, LONDON, londonDay, startOfLondonDay } from './london-time.ts';
export { coverage, mergeBankHolidays } from './merge.ts';
export { type WarningInstant, warningInstants } from './warnings.ts';
export { createWorkingCalendar, isWorkingDay, type WorkingCalendar } from './working-calendar.ts';
export { addWorkingDays, type Deadline, workingDaysBetween } from './working-days.ts';
