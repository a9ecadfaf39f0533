/**
 * Failures of the working-day calendar. They are programming or data errors, never expected outcomes, so
 * they are thrown; none is worth retrying. Each carries the context needed to fix the input.
 */

/** Base class of every calendar failure. `retryable` is always false: the same input fails the same way. */
export abstract class CalendarError extends Error {
  readonly retryable = false;
}

/**
 * An argument the calendar cannot use: a malformed `YYYY-MM-DD` day, an invalid `Date`, or a negative or
 * non-integer number of working days.
 *
 * @example
 * try { addWorkingDays({ calendar, from, workingDays: -1 }); }
 * catch (e) { if (e instanceof CalendarInputError) console.log(e.field); } // 'workingDays'
 */
export class CalendarInputError extends CalendarError {
  override readonly name = 'CalendarInputError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`${field}: ${reason} (got ${describe(value)})`);
  }
}

/**
 * A day outside the years the bank-holiday data covers. Counting across it would silently ignore that
 * year's bank holidays, so the calendar refuses; refresh `data/uk-bank-holidays.json` from GOV.UK.
 *
 * @example
 * bundledCalendar('scotland'); // data for 2019–2028
 * isWorkingDay(calendar, '2031-01-02'); // throws CalendarCoverageError
 */
export class CalendarCoverageError extends CalendarError {
  override readonly name = 'CalendarCoverageError';
  constructor(
    readonly division: string,
    readonly day: string,
    readonly coveredFrom: string,
    readonly coveredTo: string,
  ) {
    super(
      `no ${division} bank-holiday data for ${day} (the data covers ${coveredFrom} to ${coveredTo}); ` +
        'update the bank-holiday data',
    );
  }
}

/** One problem found in a bank-holiday feed, with the JSON path of the bad field. */
export interface FeedIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * A bank-holiday feed that is not in the GOV.UK `/bank-holidays.json` shape. The message names the path
 * of every bad field.
 *
 * @example
 * parseBankHolidays({ scotland: {} }); // throws: "bad bank-holiday feed: england-and-wales: …; scotland.division: …"
 */
export class BankHolidayFeedError extends CalendarError {
  override readonly name = 'BankHolidayFeedError';
  constructor(readonly issues: readonly FeedIssue[]) {
    super(`bad bank-holiday feed: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  }
}

function describe(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
