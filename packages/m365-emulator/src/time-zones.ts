/**
 * Graph's dateTimeTimeZone: a wall-clock `dateTime` (no offset) plus a `timeZone`, which may be an IANA
 * name ("Europe/London"), a Windows name ("GMT Standard Time") or "UTC". Exchange reports Windows names.
 */
import { TZDate } from '@date-fns/tz';
import { badRequest } from './graph-error.ts';

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

const WINDOWS_TO_IANA: Record<string, string> = {
  'gmt standard time': 'Europe/London',
  'greenwich standard time': 'Atlantic/Reykjavik',
  'w. europe standard time': 'Europe/Berlin',
  'romance standard time': 'Europe/Paris',
  'central europe standard time': 'Europe/Budapest',
  'eastern standard time': 'America/New_York',
  'pacific standard time': 'America/Los_Angeles',
  'coordinated universal time': 'UTC',
  utc: 'UTC',
};

const IANA_TO_WINDOWS: Record<string, string> = {
  'Europe/London': 'GMT Standard Time',
  'Europe/Berlin': 'W. Europe Standard Time',
  'Europe/Paris': 'Romance Standard Time',
  'America/New_York': 'Eastern Standard Time',
  'America/Los_Angeles': 'Pacific Standard Time',
  UTC: 'UTC',
};

/** Resolves a Graph time zone name to IANA; throws Graph's 400 when unknown. */
export function toIana(timeZone: string): string {
  const windows = WINDOWS_TO_IANA[timeZone.trim().toLowerCase()];
  if (windows) return windows;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return timeZone;
  } catch {
    throw badRequest(
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${timeZone}'.`,
      'TimeZoneNotSupportedException',
    );
  }
}

export const toWindows = (iana: string) => IANA_TO_WINDOWS[iana] ?? iana;

/** The instant a dateTimeTimeZone denotes. An offset inside dateTime (e.g. "Z") wins over timeZone. */
export function toInstant(value: DateTimeTimeZone): Date {
  const text = value.dateTime;
  if (/(?:Z|[+-]\d{2}:\d{2})$/.test(text)) return new Date(text);
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(text);
  if (!m)
    throw badRequest(
      `Cannot convert the literal '${text}' to the expected type 'Edm.DateTime'.`,
      'InvalidDateTime',
    );
  const [, y, mo, d, h, mi, s = '0', frac = '0'] = m;
  const tz = toIana(value.timeZone || 'UTC');
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  return new Date(
    new TZDate(
      +(y as string),
      +(mo as string) - 1,
      +(d as string),
      +(h as string),
      +(mi as string),
      +s,
      ms,
      tz,
    ).getTime(),
  );
}

/** Wall-clock form in `timeZone` (IANA or Windows), with Graph's 7-digit fraction. */
export function fromInstant(instant: Date, timeZone: string): DateTimeTimeZone {
  const iana = toIana(timeZone);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: iana,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    dateTime: `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.0000000`,
    timeZone,
  };
}

/** Reads `Prefer: outlook.timezone="…"`, defaulting to UTC as Graph does. */
export function preferredTimeZone(prefer: string | undefined): string {
  const m = /outlook\.timezone="([^"]+)"/i.exec(prefer ?? '');
  return m?.[1] ?? 'UTC';
}
