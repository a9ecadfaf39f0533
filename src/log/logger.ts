/**
 * Structured logs (pino). Logs carry ids, types, counts and timings, never case content: the
 * redaction list below removes free text wherever a caller passes a state, event or effect by
 * mistake. Prefer `describeEvent`/`describeEffect` summaries over whole objects.
 *
 * @example
 * const log = createLogger({ level: 'info' });
 * log.info({ disputeId, event: describeEvent(event) }, 'event applied');
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import type { DisputeEvent, Effect } from '../domain/dispute/types.ts';

export type { Logger } from 'pino';

/**
 * Field names that hold case content (free text, people's details or whole case objects). Each is
 * redacted at the top level and up to three levels down.
 */
export const CASE_CONTENT_FIELDS = [
  'details',
  'issue',
  'informalAttempts',
  'resolutionSought',
  'statement',
  'text',
  'summary',
  'minutes',
  'note',
  'reason',
  'paragraphs',
  'fields',
  'view',
  'agenda',
  'subject',
  'actions',
  'outcome',
  'outcomes',
  'entry',
  'state',
  'body',
  'email',
  'fromEmail',
  'attendeeEmail',
  'name',
  'caseReference',
  'password',
  'authorization',
  'BOT_PASSWORD',
] as const;

/** Top-level keys pino itself writes (the logger's `name`), which must stay readable. */
const OWN_FIELDS: ReadonlySet<string> = new Set(['name']);

/** Pino/fast-redact paths for `CASE_CONTENT_FIELDS` at depths 0–3. */
export const REDACT_PATHS: readonly string[] = CASE_CONTENT_FIELDS.flatMap((field) => [
  ...(OWN_FIELDS.has(field) ? [] : [field]),
  `*.${field}`,
  `*.*.${field}`,
  `*.*.*.${field}`,
]);

export interface LoggerOptions {
  readonly level?: string;
  readonly name?: string;
  /** Where to write; defaults to stdout. Tests pass a stream to inspect the output. */
  readonly destination?: DestinationStream;
}

/** Creates the process logger. Pass it down (`log.child({ component })`); there is no global logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const settings = {
    level: options.level ?? 'info',
    name: options.name ?? 'concord',
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    base: { pid: process.pid },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** A silent logger for tests and tools that do not want output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** What may be logged about an event: its type and ids, never its text. */
export function describeEvent(event: DisputeEvent): Record<string, unknown> {
  const summary: Record<string, unknown> = { type: event.type };
  if (event.by) summary.by = event.by.id;
  if (event.type === 'timer-fired') Object.assign(summary, { key: event.key, kind: event.kind });
  if ('effectKey' in event) summary.effectKey = event.effectKey;
  return summary;
}

/** What may be logged about an effect: its type and key. */
export function describeEffect(effect: Effect): Record<string, unknown> {
  return { type: effect.type, key: effect.key };
}
