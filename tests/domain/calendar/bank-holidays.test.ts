import { describe, expect, it } from 'vitest';
import bundledJson from '../../../data/uk-bank-holidays.json' with { type: 'json' };
import {
  BankHolidayFeedError,
  bundledBankHolidays,
  parseBankHolidays,
} from '../../../src/domain/calendar/index.ts';

type Feed = Record<
  'england-and-wales' | 'scotland' | 'northern-ireland',
  { division: unknown; events: Array<Record<string, unknown>> }
>;

/** A deep copy of the bundled feed that a test may break. */
function feed(): Feed {
  return structuredClone(bundledJson) as Feed;
}

function event(f: Feed, division: keyof Feed, index: number): Record<string, unknown> {
  const found = f[division].events[index];
  if (!found) throw new Error(`no event ${division}[${index}]`);
  return found;
}

function parseError(input: unknown): BankHolidayFeedError {
  try {
    parseBankHolidays(input);
  } catch (error) {
    if (error instanceof BankHolidayFeedError) return error;
    throw error;
  }
  throw new Error('expected parseBankHolidays to throw');
}

describe('parseBankHolidays', () => {
  it('accepts the GOV.UK feed shape of the bundled data for all three divisions', () => {
    const parsed = parseBankHolidays(bundledJson);
    expect(Object.keys(parsed).sort()).toEqual(['england-and-wales', 'northern-ireland', 'scotland']);
    expect(parsed.scotland.events).toContainEqual({
      title: 'Bank holiday for the FIFA World Cup',
      date: '2026-06-15',
      notes: '',
      bunting: true,
    });
    expect(bundledBankHolidays['england-and-wales'].events).toContainEqual({
      title: 'Boxing Day',
      date: '2026-12-28',
      notes: 'Substitute day',
      bunting: true,
    });
  });

  it('ignores keys the live feed might add', () => {
    const input = { ...feed(), isle_of_man: { division: 'isle_of_man', events: [] } };
    expect(() => parseBankHolidays(input)).not.toThrow();
  });

  it.each([
    {
      breaks: 'a malformed date',
      mutate: (f: Feed) => {
        event(f, 'scotland', 3).date = '2026-13-01';
      },
      path: 'scotland.events[3].date',
    },
    {
      breaks: 'a date that does not exist',
      mutate: (f: Feed) => {
        event(f, 'northern-ireland', 0).date = '2026-02-30';
      },
      path: 'northern-ireland.events[0].date',
    },
    {
      breaks: 'a bunting flag that is a string',
      mutate: (f: Feed) => {
        event(f, 'england-and-wales', 7).bunting = 'true';
      },
      path: 'england-and-wales.events[7].bunting',
    },
    {
      breaks: 'a missing title',
      mutate: (f: Feed) => {
        delete event(f, 'scotland', 0).title;
      },
      path: 'scotland.events[0].title',
    },
    {
      breaks: 'a division filed under the wrong key',
      mutate: (f: Feed) => {
        f.scotland.division = 'england-and-wales';
      },
      path: 'scotland.division',
    },
    {
      breaks: 'a missing division',
      mutate: (f: Feed) => {
        delete (f as Partial<Feed>)['northern-ireland'];
      },
      path: 'northern-ireland',
    },
    {
      breaks: 'events that are not a list',
      mutate: (f: Feed) => {
        (f['england-and-wales'] as Record<string, unknown>).events = {};
      },
      path: 'england-and-wales.events',
    },
  ])('rejects $breaks, naming $path', ({ mutate, path }) => {
    const input = feed();
    mutate(input);
    const error = parseError(input);
    expect(error.issues.map((issue) => issue.path)).toEqual([path]);
    expect(error.message).toContain(`${path}: `);
    expect(error.retryable).toBe(false);
  });

  it('names every bad field at once', () => {
    const input = feed();
    event(input, 'scotland', 1).date = '02/01/2026';
    event(input, 'northern-ireland', 2).notes = null;
    expect(parseError(input).issues.map((issue) => issue.path)).toEqual([
      'scotland.events[1].date',
      'northern-ireland.events[2].notes',
    ]);
  });

  it.each([null, 'not json', []])('rejects %j at the root', (input) => {
    expect(parseError(input).message).toMatch(/^bad bank-holiday feed: /);
  });
});
