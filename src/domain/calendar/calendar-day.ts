/**
 * Calendar days as `YYYY-MM-DD` strings. A calendar day has no time zone: it is a date on a wall
 * calendar. Arithmetic on it uses UTC fields only so that no zone (and no clock change) can shift it.
 */
import { CalendarInputError } from './errors.ts';

/** A calendar day, `YYYY-MM-DD`. Strings compare in date order. */
export type CalendarDay = string;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/**
 * True when `value` is a real `YYYY-MM-DD` date (so `2026-02-30` is false).
 *
 * @example
 * isCalendarDay('2026-12-25'); // true
 * isCalendarDay('2026-13-01'); // false
 */
export function isCalendarDay(value: unknown): value is CalendarDay {
  if (typeof value !== 'string') return false;
  const match = DAY_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Returns `value` when it is a real `YYYY-MM-DD` date and throws `CalendarInputError` naming `field`
 * otherwise.
 *
 * @example
 * assertCalendarDay('2026-06-15', 'closureDays[0]'); // '2026-06-15'
 */
export function assertCalendarDay(value: unknown, field: string): CalendarDay {
  if (!isCalendarDay(value)) throw new CalendarInputError(field, value, 'expected a real date as YYYY-MM-DD');
  return value;
}

/**
 * The calendar day `count` days after `day` (before it when `count` is negative).
 *
 * @example
 * addCalendarDays('2026-12-31', 1); // '2027-01-01'
 */
export function addCalendarDays(day: CalendarDay, count: number): CalendarDay {
  return new Date(utcMidnight(day) + count * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * Day of the week, 0 = Sunday … 6 = Saturday.
 *
 * @example
 * dayOfWeek('2026-06-13'); // 6 (Saturday)
 */
export function dayOfWeek(day: CalendarDay): number {
  return new Date(utcMidnight(day)).getUTCDay();
}

function utcMidnight(day: CalendarDay): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}
