/**
 * Dates in emails: the one formatter in `src/wording/dates.ts`, under the names the email code
 * uses ("Monday 30 November 2026", "10:30").
 */
export {
  dayInWords as dateInWords,
  instantDayInWords as instantDateInWords,
  timeInWords as londonTime,
} from '../wording/dates.ts';
