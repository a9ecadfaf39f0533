/**
 * The GOV.UK bank-holiday feed (`https://www.gov.uk/bank-holidays.json`) and its parser. The bundled
 * `data/uk-bank-holidays.json` has the same shape. A substitute day appears in the feed on the
 * substitute date only (notes "Substitute day"), so the feed's dates are exactly the days off.
 */
import { z } from 'zod';
import { isCalendarDay } from './calendar-day.ts';
import { BankHolidayFeedError, type FeedIssue } from './errors.ts';

/** The three UK bank-holiday divisions, as GOV.UK names them. */
export const DIVISIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;

/**
 * A UK bank-holiday division.
 *
 * @example
 * const division: Division = 'scotland';
 */
export type Division = (typeof DIVISIONS)[number];

/**
 * True when `value` names a division.
 *
 * @example
 * isDivision('wales'); // false
 */
export function isDivision(value: unknown): value is Division {
  return typeof value === 'string' && (DIVISIONS as readonly string[]).includes(value);
}

const eventSchema = z.object({
  title: z.string().min(1),
  date: z.string().refine(isCalendarDay, { message: 'expected a real date as YYYY-MM-DD' }),
  notes: z.string(),
  bunting: z.boolean(),
});

function divisionSchema(division: Division) {
  return z.object({ division: z.literal(division), events: z.array(eventSchema) });
}

// Unknown extra keys are ignored rather than rejected, so an additive change to the live feed still parses.
const feedSchema = z.object({
  'england-and-wales': divisionSchema('england-and-wales'),
  scotland: divisionSchema('scotland'),
  'northern-ireland': divisionSchema('northern-ireland'),
});

/**
 * One bank holiday as GOV.UK publishes it.
 *
 * @example
 * const boxingDay: BankHoliday = { title: 'Boxing Day', date: '2026-12-28', notes: 'Substitute day', bunting: true };
 */
export type BankHoliday = z.infer<typeof eventSchema>;

/**
 * A parsed bank-holiday feed: every division with its holidays.
 *
 * @example
 * const feed: BankHolidayFeed = parseBankHolidays(json);
 * feed.scotland.events.length; // 94 in the bundled data
 */
export type BankHolidayFeed = z.infer<typeof feedSchema>;

/**
 * Validates a GOV.UK-shaped bank-holiday feed. Throws `BankHolidayFeedError` listing the path of every
 * bad field (for example `scotland.events[3].date`).
 *
 * @example
 * const feed = parseBankHolidays(await (await fetch('https://www.gov.uk/bank-holidays.json')).json());
 * feed['northern-ireland'].events[0]; // { title: 'New Year’s Day', date: '…', notes: '', bunting: true }
 */
export function parseBankHolidays(input: unknown): BankHolidayFeed {
  const result = feedSchema.safeParse(input);
  if (result.success) return result.data;
  const issues: FeedIssue[] = result.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
  throw new BankHolidayFeedError(issues);
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((key, index) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = String(key);
      return index === 0 ? name : `.${name}`;
    })
    .join('');
}
