/**
 * Dates as people read them on cards: UK style, Europe/London, e.g. "Mon 7 Dec 2026".
 * Pure; every function takes the instant or calendar day it formats.
 */
import { LONDON, londonDay } from '../domain/calendar/london-time.ts';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * A calendar day ("2026-12-07") as "Mon 7 Dec 2026".
 * @example formatDay('2026-12-07') // 'Mon 7 Dec 2026'
 */
export function formatDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`formatDay: not a calendar day: ${day}`);
  const [, y, mo, d] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** The London calendar day of an instant, formatted. */
export function formatInstantDay(instant: string): string {
  return formatDay(londonDay(new Date(instant)));
}

const timeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** London wall-clock time, "09:30". */
export function formatTime(instant: string): string {
  return timeFormat.format(new Date(instant));
}

/**
 * A meeting slot: "Tue 8 Dec 2026, 10:00–11:00" (London time).
 * @example formatSlot('2026-12-08T10:00:00Z', '2026-12-08T11:00:00Z') // 'Tue 8 Dec 2026, 10:00–11:00'
 */
export function formatSlot(start: string, end: string | null): string {
  const day = formatInstantDay(start);
  return end ? `${day}, ${formatTime(start)}–${formatTime(end)}` : `${day}, ${formatTime(start)}`;
}

/** Day and time of an instant, "Mon 7 Dec 2026, 14:05". */
export function formatDateTime(instant: string): string {
  return `${formatInstantDay(instant)}, ${formatTime(instant)}`;
}
