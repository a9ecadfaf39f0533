/** Dates in words for emails, the way a UK letter writes them: "Monday 30 November 2026". */
import { londonDay } from '../domain/calendar/index.ts';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * A calendar day (YYYY-MM-DD) in words. Independent of the host's locale data.
 * @example dateInWords('2026-11-30'); // 'Monday 30 November 2026'
 */
export function dateInWords(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new RangeError(`not a calendar day: ${day}`);
  const [, y, m, d] = match;
  const weekday = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d))).getUTCDay();
  return `${WEEKDAYS[weekday]} ${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`;
}

/**
 * The Europe/London day of an instant, in words.
 * @example instantDateInWords('2026-06-01T23:30:00Z'); // 'Tuesday 2 June 2026' (00:30 BST)
 */
export function instantDateInWords(instant: string): string {
  return dateInWords(londonDay(new Date(instant)));
}

/**
 * A London wall-clock time of an instant: "10:30".
 * @example londonTime('2026-06-01T09:30:00Z'); // '10:30'
 */
export function londonTime(instant: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'Europe/London',
  }).format(new Date(instant));
}
