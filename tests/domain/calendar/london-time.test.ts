import { describe, expect, it } from 'vitest';
import {
  CalendarInputError,
  endOfLondonDay,
  londonDay,
  startOfLondonDay,
} from '../../../src/domain/calendar/index.ts';

describe('londonDay', () => {
  it.each([
    // A late UTC evening in summer is already the next day in London (BST = UTC+1).
    { instant: '2026-06-01T22:59:59.999Z', day: '2026-06-01' },
    { instant: '2026-06-01T23:00:00.000Z', day: '2026-06-02' },
    { instant: '2026-06-01T23:30:00Z', day: '2026-06-02' },
    // In winter London is on UTC.
    { instant: '2026-12-01T23:30:00Z', day: '2026-12-01' },
    { instant: '2026-12-02T00:00:00Z', day: '2026-12-02' },
    // Around the clock changes (29 March and 25 October 2026, at 01:00 UTC).
    { instant: '2026-03-28T23:30:00Z', day: '2026-03-28' },
    { instant: '2026-03-29T23:30:00Z', day: '2026-03-30' },
    { instant: '2026-10-24T23:30:00Z', day: '2026-10-25' },
    { instant: '2026-10-25T23:30:00Z', day: '2026-10-25' },
    // Instants written with another offset.
    { instant: '2026-06-02T07:59:59+09:00', day: '2026-06-01' },
    { instant: '2026-06-02T08:00:00+09:00', day: '2026-06-02' },
  ])('$instant is $day in London', ({ instant, day }) => {
    expect(londonDay(new Date(instant))).toBe(day);
  });

  it('agrees with the Europe/London zone for every half hour of 2026 and 2027, asked in any order', () => {
    const zone = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', dateStyle: 'short' });
    const start = Date.parse('2026-01-01T00:00:00Z');
    const instants = Array.from({ length: 2 * 365 * 48 }, (_, i) => start + i * 1_800_000 + (i % 7) * 61_000);
    // Backwards too: the answers it keeps per day must not depend on what was asked first.
    for (const t of [...instants, ...instants.reverse()])
      expect(londonDay(new Date(t)), new Date(t).toISOString()).toBe(zone.format(t));
  });

  it('rejects an invalid Date', () => {
    expect(() => londonDay(new Date('nope'))).toThrow(CalendarInputError);
  });
});

describe('endOfLondonDay and startOfLondonDay', () => {
  it.each([
    { day: '2026-06-02', start: '2026-06-01T23:00:00.000Z', end: '2026-06-02T22:59:59.999Z' }, // BST
    { day: '2026-12-01', start: '2026-12-01T00:00:00.000Z', end: '2026-12-01T23:59:59.999Z' }, // GMT
    { day: '2026-03-28', start: '2026-03-28T00:00:00.000Z', end: '2026-03-28T23:59:59.999Z' }, // Sat before BST
    { day: '2026-03-29', start: '2026-03-29T00:00:00.000Z', end: '2026-03-29T22:59:59.999Z' }, // 23-hour day
    { day: '2026-10-25', start: '2026-10-24T23:00:00.000Z', end: '2026-10-25T23:59:59.999Z' }, // 25-hour day
    { day: '2026-10-26', start: '2026-10-26T00:00:00.000Z', end: '2026-10-26T23:59:59.999Z' },
  ])('$day runs from $start to $end', ({ day, start, end }) => {
    expect(startOfLondonDay(day).toISOString()).toBe(start);
    expect(endOfLondonDay(day).toISOString()).toBe(end);
  });

  it.each(['2026-02-29', '2026-6-1', '2026-06-01T00:00:00Z', ''])('rejects the day %j', (day) => {
    expect(() => endOfLondonDay(day)).toThrow(CalendarInputError);
  });
});
