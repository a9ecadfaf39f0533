import { describe, expect, it } from 'vitest';
import { bundledCalendar } from '../../../src/domain/calendar/index.ts';
import {
  bestSlot,
  earliestStart,
  type FindSlotsInput,
  findSlots,
  isSensible,
  noticeStart,
  spreadAcrossDays,
} from '../../../src/domain/meeting/slots.ts';

const ew = bundledCalendar('england-and-wales');
const base: FindSlotsInput = {
  // Monday 23 November 2026 (GMT: London = UTC) 08:00 to the end of Monday 30 November.
  window: { start: '2026-11-23T08:00:00.000Z', end: '2026-11-30T23:59:59.999Z' },
  durationMinutes: 60,
  workingHours: { start: '09:00', end: '17:00' },
  calendar: ew,
  busy: [],
};
const first = (input: Partial<FindSlotsInput>) => findSlots({ ...base, ...input })[0]?.start ?? null;

describe('findSlots', () => {
  it.each<[string, Partial<FindSlotsInput>, string | null]>([
    ['the first slot of working hours', {}, '2026-11-23T09:00:00.000Z'],
    [
      'after a busy block',
      { busy: [{ start: '2026-11-23T09:00:00Z', end: '2026-11-23T10:15:00Z' }] },
      '2026-11-23T10:30:00.000Z',
    ],
    [
      'busy blocks of several attendees combine',
      {
        busy: [
          { start: '2026-11-23T09:00:00Z', end: '2026-11-23T12:00:00Z' },
          { start: '2026-11-23T12:30:00Z', end: '2026-11-23T17:00:00Z' },
        ],
      },
      '2026-11-24T09:00:00.000Z',
    ],
    [
      'a window opening mid-morning snaps to the 30-minute grid',
      { window: { ...base.window, start: '2026-11-23T10:17:00Z' } },
      '2026-11-23T10:30:00.000Z',
    ],
    [
      'a window opening after hours moves to the next working day',
      { window: { ...base.window, start: '2026-11-23T16:30:00Z' } },
      '2026-11-24T09:00:00.000Z',
    ],
    [
      'weekends are skipped',
      { window: { ...base.window, start: '2026-11-27T16:30:00Z' } },
      '2026-11-30T09:00:00.000Z',
    ],
    [
      'bank holidays are skipped (Christmas and Boxing Day substitute 2026)',
      { window: { start: '2026-12-24T17:00:00Z', end: '2027-01-08T00:00:00Z' } },
      '2026-12-29T09:00:00.000Z',
    ],
    [
      'closure days are skipped',
      {
        calendar: bundledCalendar('england-and-wales', ['2026-12-29', '2026-12-30', '2026-12-31']),
        window: { start: '2026-12-24T17:00:00Z', end: '2027-01-08T00:00:00Z' },
      },
      '2027-01-04T09:00:00.000Z',
    ],
    [
      'avoidStarts are never offered',
      { avoidStarts: ['2026-11-23T09:00:00.000Z'] },
      '2026-11-23T09:30:00.000Z',
    ],
    ['notBefore gives notice', { notBefore: '2026-11-23T13:05:00Z' }, '2026-11-23T13:30:00.000Z'],
    [
      'the window end is the deadline: nothing after it',
      {
        window: { start: '2026-11-23T08:00:00Z', end: '2026-11-23T23:59:59.999Z' },
        busy: [{ start: '2026-11-23T00:00:00Z', end: '2026-11-23T23:59:59Z' }],
      },
      null,
    ],
    ['a meeting longer than the working day has no slot', { durationMinutes: 9 * 60 }, null],
    [
      'Northumberland hours 08:30–16:30',
      { workingHours: { start: '08:30', end: '16:30' } },
      '2026-11-23T08:30:00.000Z',
    ],
    [
      'British Summer Time: 09:00 London is 08:00 UTC',
      { window: { start: '2026-06-01T00:00:00Z', end: '2026-06-05T23:00:00Z' } },
      '2026-06-01T08:00:00.000Z',
    ],
    [
      'working weekdays can be fewer than Monday–Friday',
      { workingHours: { start: '09:00', end: '17:00', days: ['wednesday'] } },
      '2026-11-25T09:00:00.000Z',
    ],
  ])('%s', (_name, input, expected) => {
    expect(first(input)).toBe(expected);
  });

  it('ranks every viable slot earliest first, ending by the close of working hours', () => {
    const slots = findSlots({
      ...base,
      window: { start: '2026-11-23T08:00:00Z', end: '2026-11-23T23:59:59.999Z' },
    });
    expect(slots).toHaveLength(15); // 09:00 … 16:00 every 30 minutes
    expect(slots.at(-1)).toEqual({ start: '2026-11-23T16:00:00.000Z', end: '2026-11-23T17:00:00.000Z' });
    const starts = slots.map((s) => s.start);
    expect([...starts].sort()).toEqual(starts);
  });

  it('a slot must end by the window end even inside working hours', () => {
    const slots = findSlots({
      ...base,
      window: { start: '2026-11-23T08:00:00Z', end: '2026-11-23T10:30:00Z' },
    });
    expect(slots.map((s) => s.start)).toEqual(['2026-11-23T09:00:00.000Z', '2026-11-23T09:30:00.000Z']);
  });

  it('limit caps the list', () => {
    expect(findSlots({ ...base, limit: 3 })).toHaveLength(3);
  });

  it('a busy block touching the slot edge does not block it', () => {
    expect(first({ busy: [{ start: '2026-11-23T08:00:00Z', end: '2026-11-23T09:00:00Z' }] })).toBe(
      '2026-11-23T09:00:00.000Z',
    );
  });
});

describe('noticeStart: never inside the next working half-day', () => {
  const hours = { start: '09:00', end: '17:00' };
  it.each<[string, string, string]>([
    ['booked at 09:00 on a working day: 13:00 that day', '2026-11-23T09:00:00Z', '2026-11-23T13:00:00.000Z'],
    ['booked before opening: 13:00 that day', '2026-11-23T07:30:00Z', '2026-11-23T13:00:00.000Z'],
    ['booked at 11:59: 13:00 that day', '2026-11-23T11:59:00Z', '2026-11-23T13:00:00.000Z'],
    ['booked at lunchtime: the next working morning', '2026-11-23T12:30:00Z', '2026-11-24T09:00:00.000Z'],
    ['booked at 14:00: the next working morning', '2026-11-23T14:00:00Z', '2026-11-24T09:00:00.000Z'],
    ['booked in the evening: the next working afternoon', '2026-11-23T18:00:00Z', '2026-11-24T13:00:00.000Z'],
    ['booked on Friday afternoon: Monday morning', '2026-11-27T15:00:00Z', '2026-11-30T09:00:00.000Z'],
    ['booked on Saturday: Monday afternoon', '2026-11-28T10:00:00Z', '2026-11-30T13:00:00.000Z'],
    [
      'booked on Christmas Eve afternoon: the morning after the Boxing Day holiday',
      '2026-12-24T14:00:00Z',
      '2026-12-29T09:00:00.000Z',
    ],
    ['British Summer Time: 09:00 London is 08:00 UTC', '2026-06-01T08:00:00Z', '2026-06-01T12:00:00.000Z'],
  ])('%s', (_name, now, expected) => {
    expect(noticeStart({ now, workingHours: hours, calendar: ew })).toBe(expected);
  });

  it('an urgent deadline inside the notice half-day gets an hour’s notice instead', () => {
    const input = { now: '2026-11-23T09:00:00Z', workingHours: hours, calendar: ew };
    // Due by 12:00 the same day: the meeting can only be this morning.
    expect(earliestStart({ ...input, windowEnd: '2026-11-23T12:00:00Z' })).toBe('2026-11-23T10:00:00.000Z');
    // Due by the end of the day: the half-day notice stands.
    expect(earliestStart({ ...input, windowEnd: '2026-11-23T23:59:59.999Z' })).toBe(
      '2026-11-23T13:00:00.000Z',
    );
  });

  it('never offers a slot before 13:00 when booking at 09:00, whatever the free time', () => {
    const notBefore = noticeStart({ now: '2026-11-23T09:00:00Z', workingHours: hours, calendar: ew });
    const slots = findSlots({
      ...base,
      window: { ...base.window, start: '2026-11-23T09:00:00Z' },
      notBefore,
    });
    expect(slots[0]?.start).toBe('2026-11-23T13:00:00.000Z');
    expect(slots.every((s) => s.start >= '2026-11-23T13:00:00.000Z')).toBe(true);
  });
});

describe('sensible hours and offers across the window', () => {
  const hours = { start: '09:00', end: '17:00' };
  it('a meeting over the lunch hour is not sensible; one ending at 12:00 or starting at 13:00 is', () => {
    expect(isSensible({ start: '2026-11-23T12:30:00Z', end: '2026-11-23T13:30:00Z' }, hours)).toBe(false);
    expect(isSensible({ start: '2026-11-23T11:30:00Z', end: '2026-11-23T12:30:00Z' }, hours)).toBe(false);
    expect(isSensible({ start: '2026-11-23T11:00:00Z', end: '2026-11-23T12:00:00Z' }, hours)).toBe(true);
    expect(isSensible({ start: '2026-11-23T13:00:00Z', end: '2026-11-23T14:00:00Z' }, hours)).toBe(true);
  });

  it('books after lunch rather than over it when the morning is taken', () => {
    const slots = findSlots({
      ...base,
      window: { start: '2026-11-23T08:00:00Z', end: '2026-11-23T23:59:59Z' },
      busy: [{ start: '2026-11-23T09:00:00Z', end: '2026-11-23T11:30:00Z' }],
    });
    expect(slots[0]?.start).toBe('2026-11-23T11:30:00.000Z');
    expect(bestSlot(slots, hours)?.start).toBe('2026-11-23T13:00:00.000Z');
  });

  it('offers lunchtime only when nothing else fits', () => {
    const slots = findSlots({
      ...base,
      window: { start: '2026-11-23T08:00:00Z', end: '2026-11-23T23:59:59Z' },
      busy: [
        { start: '2026-11-23T09:00:00Z', end: '2026-11-23T11:30:00Z' },
        { start: '2026-11-23T13:00:00Z', end: '2026-11-23T17:00:00Z' },
      ],
    });
    expect(bestSlot(slots, hours)?.start).toBe('2026-11-23T11:30:00.000Z');
  });

  it('offers a morning and an afternoon on each day, so the first five span three days', () => {
    const slots = findSlots(base);
    const offered = spreadAcrossDays(slots, hours);
    expect(offered.map((s) => s.start)).toEqual([
      '2026-11-23T09:00:00.000Z',
      '2026-11-23T13:00:00.000Z',
      '2026-11-24T09:00:00.000Z',
      '2026-11-24T13:00:00.000Z',
      '2026-11-25T09:00:00.000Z',
      '2026-11-25T13:00:00.000Z',
      '2026-11-26T09:00:00.000Z',
      '2026-11-26T13:00:00.000Z',
      '2026-11-27T09:00:00.000Z',
      '2026-11-27T13:00:00.000Z',
      '2026-11-30T09:00:00.000Z',
      '2026-11-30T13:00:00.000Z',
    ]);
    const days = new Set(offered.slice(0, 5).map((s) => s.start.slice(0, 10)));
    expect(days.size).toBeGreaterThanOrEqual(3);
    expect(spreadAcrossDays(slots, hours, { max: 4 })).toHaveLength(4);
  });

  it('a day whose free time is all over lunch still offers its one slot', () => {
    const offered = spreadAcrossDays([{ start: '2026-11-23T12:00:00Z', end: '2026-11-23T13:00:00Z' }], hours);
    expect(offered).toEqual([{ start: '2026-11-23T12:00:00Z', end: '2026-11-23T13:00:00Z' }]);
  });
});
