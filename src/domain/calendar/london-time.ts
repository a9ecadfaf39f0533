/**
 * Europe/London zone maths. Working days are counted in London whatever the server's zone, so every
 * conversion between an instant and a London calendar day goes through here.
 */
import { TZDate, tz } from '@date-fns/tz';
import { endOfDay, format } from 'date-fns';
import { assertCalendarDay, type CalendarDay } from './calendar-day.ts';
import { CalendarInputError } from './errors.ts';

/** The zone all working days are counted in. */
export const LONDON = 'Europe/London';

const inLondon = tz(LONDON);

/**
 * The Europe/London calendar day of an instant.
 *
 * @example
 * londonDay(new Date('2026-06-01T23:30:00Z')); // '2026-06-02' (00:30 BST)
 * londonDay(new Date('2026-12-01T23:30:00Z')); // '2026-12-01' (23:30 GMT)
 */
export function londonDay(instant: Date): CalendarDay {
  assertInstant(instant, 'instant');
  return format(instant, 'yyyy-MM-dd', { in: inLondon });
}

/**
 * The last millisecond (23:59:59.999 Europe/London) of a London calendar day, as an instant.
 *
 * @example
 * endOfLondonDay('2026-06-02').toISOString(); // '2026-06-02T22:59:59.999Z' (BST)
 * endOfLondonDay('2026-12-01').toISOString(); // '2026-12-01T23:59:59.999Z' (GMT)
 */
export function endOfLondonDay(day: CalendarDay): Date {
  assertCalendarDay(day, 'day');
  return new Date(endOfDay(londonMidnight(day)).getTime());
}

/**
 * The first millisecond (00:00 Europe/London) of a London calendar day, as an instant.
 *
 * @example
 * startOfLondonDay('2026-06-02').toISOString(); // '2026-06-01T23:00:00.000Z' (BST)
 */
export function startOfLondonDay(day: CalendarDay): Date {
  assertCalendarDay(day, 'day');
  return new Date(londonMidnight(day).getTime());
}

/**
 * Throws `CalendarInputError` naming `field` unless `value` is a valid `Date`.
 *
 * @example
 * assertInstant(new Date('nope'), 'from'); // throws "from: expected a valid Date (got Invalid Date)"
 */
export function assertInstant(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new CalendarInputError(field, value, 'expected a valid Date');
  }
  return value;
}

function londonMidnight(day: CalendarDay): TZDate {
  return new TZDate(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)), LONDON);
}
