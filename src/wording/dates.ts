/**
 * Every date, time and duration a person reads, in one place: Europe/London, in words, the way a
 * UK letter writes them. Cards, emails, invitations, the timeline and the case file all use these,
 * so the same instant reads the same everywhere. Pure; each function takes what it formats.
 *
 * @example dayInWords('2026-12-08') // 'Tuesday 8 December 2026'
 * @example slotInWords('2026-12-09T10:00:00Z', '2026-12-09T11:00:00Z') // '10:00–11:00, Wednesday 9 December 2026'
 */
import { TZDate, tz } from '@date-fns/tz';
import { format } from 'date-fns';
import { LRUCache } from 'lru-cache';

const LONDON = 'Europe/London';
const inLondon = { in: tz(LONDON) };
const DAY = 'EEEE d MMMM yyyy';
const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The words for a day or a time are a pure function of the string, and working them out in London
 * time costs @date-fns/tz several `Intl` offset look-ups each (a third of a "my disputes" card's
 * rendering went there, issue 15). The same dates come back on every card of a dispute, so each
 * formatter keeps its latest answers. An invalid input throws and is never kept.
 */
function remembered(compute: (value: string) => string): (value: string) => string {
  const cache = new LRUCache<string, string>({ max: 2_000 });
  return (value) => {
    const known = cache.get(value);
    if (known !== undefined) return known;
    const words = compute(value);
    cache.set(value, words);
    return words;
  };
}

function instant(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not an instant: ${value}`);
  return date;
}

/**
 * A calendar day ("2026-12-08") in words.
 * @example dayInWords('2026-12-08') // 'Tuesday 8 December 2026'
 */
export const dayInWords = remembered(function dayInWords(day: string): string {
  const m = CALENDAR_DAY.exec(day);
  if (!m) throw new RangeError(`not a calendar day: ${day}`);
  const date = new TZDate(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12, LONDON);
  if (format(date, 'yyyy-MM-dd', inLondon) !== day) throw new RangeError(`not a calendar day: ${day}`);
  return format(date, DAY, inLondon);
});

/**
 * The London day of an instant, in words.
 * @example instantDayInWords('2026-06-01T23:30:00Z') // 'Tuesday 2 June 2026' (00:30 BST)
 */
export const instantDayInWords = remembered(function instantDayInWords(value: string): string {
  return format(instant(value), DAY, inLondon);
});

/**
 * London wall-clock time of an instant, 24-hour.
 * @example timeInWords('2026-06-01T09:30:00Z') // '10:30'
 */
export const timeInWords = remembered(function timeInWords(value: string): string {
  return format(instant(value), 'HH:mm', inLondon);
});

/**
 * An instant as a time and a day.
 * @example dateTimeInWords('2026-12-09T10:00:00Z') // '10:00, Wednesday 9 December 2026'
 */
export function dateTimeInWords(value: string): string {
  return `${timeInWords(value)}, ${instantDayInWords(value)}`;
}

/**
 * A meeting slot; the end's day is named too when it is another day.
 * @example slotInWords('2026-12-09T10:00:00Z', '2026-12-09T11:00:00Z') // '10:00–11:00, Wednesday 9 December 2026'
 */
export function slotInWords(start: string, end: string | null): string {
  if (!end) return dateTimeInWords(start);
  const startDay = instantDayInWords(start);
  const endDay = instantDayInWords(end);
  if (startDay !== endDay) return `${dateTimeInWords(start)} to ${dateTimeInWords(end)}`;
  return `${timeInWords(start)}–${timeInWords(end)}, ${startDay}`;
}

/**
 * A day or an instant, whichever it is, in words: a calendar day as a day, an instant as time and day.
 * @example whenInWords('2026-12-08') // 'Tuesday 8 December 2026'
 * @example whenInWords('2026-12-08T09:00:00Z') // '09:00, Tuesday 8 December 2026'
 */
export function whenInWords(value: string): string {
  return CALENDAR_DAY.test(value) ? dayInWords(value) : dateTimeInWords(value);
}

/**
 * A day or an instant as a day only (the due date of a step, for example).
 * @example dueInWords('2026-12-07T23:59:59.999Z') // 'Monday 7 December 2026'
 */
export function dueInWords(value: string): string {
  return CALENDAR_DAY.test(value) ? dayInWords(value) : instantDayInWords(value);
}

/**
 * A count of working days.
 * @example workingDaysInWords(1) // '1 working day'
 */
export function workingDaysInWords(days: number): string {
  return `${days} working ${days === 1 ? 'day' : 'days'}`;
}

/**
 * An overall cap in working days, as a noun phrase.
 * @example limitInWords(20) // '20-working-day limit'
 */
export function limitInWords(days: number): string {
  return `${days}-working-day limit`;
}

/**
 * A length of time in minutes.
 * @example durationInWords(90) // '1 hour 30 minutes'
 */
export function durationInWords(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes % 60);
  const hours = h === 0 ? '' : `${h} ${h === 1 ? 'hour' : 'hours'}`;
  const mins = m === 0 ? '' : `${m} ${m === 1 ? 'minute' : 'minutes'}`;
  return [hours, mins].filter(Boolean).join(' ') || '0 minutes';
}

/**
 * Text that still carries a machine date or time (ISO day, ISO instant): what a person should never read.
 * @example hasMachineDate('Due by 2026-12-08') // true
 */
export function hasMachineDate(text: string): boolean {
  return /\b\d{4}-\d{2}-\d{2}\b|\d{2}:\d{2}:\d{2}|\bT\d{2}:\d{2}/.test(text);
}
