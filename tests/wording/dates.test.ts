import { describe, expect, it } from 'vitest';
import {
  dateTimeInWords,
  dayInWords,
  dueInWords,
  durationInWords,
  hasMachineDate,
  instantDayInWords,
  limitInWords,
  slotInWords,
  timeInWords,
  whenInWords,
  workingDaysInWords,
} from '../../src/wording/dates.ts';

describe('dates people read: Europe/London, in words', () => {
  it.each([
    ['2026-12-08', 'Tuesday 8 December 2026'],
    ['2026-11-30', 'Monday 30 November 2026'],
    ['2027-01-04', 'Monday 4 January 2027'],
    ['2028-02-29', 'Tuesday 29 February 2028'],
  ])('day %s reads %s', (day, words) => {
    expect(dayInWords(day)).toBe(words);
  });

  it('refuses what is not a calendar day', () => {
    expect(() => dayInWords('2026-02-30')).toThrow(RangeError);
    expect(() => dayInWords('8 December')).toThrow(RangeError);
  });

  it('answers the same words when asked again (the words are remembered), and refuses bad input every time', () => {
    for (let i = 0; i < 3; i++) {
      expect(dayInWords('2026-12-08')).toBe('Tuesday 8 December 2026');
      expect(instantDayInWords('2026-06-01T23:30:00Z')).toBe('Tuesday 2 June 2026');
      expect(timeInWords('2026-06-01T09:30:00Z')).toBe('10:30');
      expect(() => dayInWords('2026-02-30')).toThrow(RangeError);
      expect(() => instantDayInWords('not a time')).toThrow(RangeError);
    }
  });

  it('puts an instant on its London day and wall-clock time, across the clock change', () => {
    // 23:30 UTC on 1 June is 00:30 BST on 2 June; in December London is on UTC.
    expect(instantDayInWords('2026-06-01T23:30:00Z')).toBe('Tuesday 2 June 2026');
    expect(timeInWords('2026-06-01T09:30:00Z')).toBe('10:30');
    expect(instantDayInWords('2026-12-01T23:30:00Z')).toBe('Tuesday 1 December 2026');
    expect(timeInWords('2026-12-09T10:00:00.000Z')).toBe('10:00');
  });

  it('says a slot as the issue asks: "10:00–11:00, Wednesday 9 December"', () => {
    expect(slotInWords('2026-12-09T10:00:00Z', '2026-12-09T11:00:00Z')).toBe(
      '10:00–11:00, Wednesday 9 December 2026',
    );
    expect(slotInWords('2026-12-09T10:00:00Z', null)).toBe('10:00, Wednesday 9 December 2026');
    expect(slotInWords('2026-12-09T23:00:00Z', '2026-12-10T00:30:00Z')).toBe(
      '23:00, Wednesday 9 December 2026 to 00:30, Thursday 10 December 2026',
    );
  });

  it('reads a day or an instant, and durations and limits', () => {
    expect(whenInWords('2026-12-08')).toBe('Tuesday 8 December 2026');
    expect(whenInWords('2026-12-08T09:00:00Z')).toBe(dateTimeInWords('2026-12-08T09:00:00Z'));
    expect(dueInWords('2026-12-07T23:59:59.999Z')).toBe('Monday 7 December 2026');
    expect(workingDaysInWords(1)).toBe('1 working day');
    expect(workingDaysInWords(5)).toBe('5 working days');
    expect(limitInWords(20)).toBe('20-working-day limit');
    expect(durationInWords(60)).toBe('1 hour');
    expect(durationInWords(90)).toBe('1 hour 30 minutes');
    expect(durationInWords(45)).toBe('45 minutes');
  });

  it('spots a machine date left in text', () => {
    expect(hasMachineDate('Booked for 2026-12-09T10:00:00.000Z')).toBe(true);
    expect(hasMachineDate('Due by 2026-12-08')).toBe(true);
    expect(hasMachineDate('Due by Tuesday 8 December 2026, 10:00')).toBe(false);
  });
});
