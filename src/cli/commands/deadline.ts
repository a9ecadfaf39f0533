/**
 * `concord deadline --from ISO (--working-days N | --procedure ID --stage STAGE) [--division D] [--json]`
 *
 * Prints when a step that starts at `--from` is due under DESIGN.md's working-day rule. With `--json`
 * it prints `{"dueDate":"YYYY-MM-DD","due":"<UTC ISO instant>"}` (CONTRACT.md).
 */
import {
  addWorkingDays,
  bundledCalendar,
  CalendarCoverageError,
  type Deadline,
  DIVISIONS,
  type Division,
  dayOfWeek,
  isCalendarDay,
  isDivision,
  startOfLondonDay,
} from '../../domain/calendar/index.ts';
import { type CliIo, CliUsageError, parseCliArgs } from '../io.ts';

const USAGE =
  'usage: concord deadline --from ISO (--working-days N | --procedure ID --stage STAGE) ' +
  `[--division ${DIVISIONS.join('|')}] [--json]`;

/** A date-time with an explicit zone (`Z` or `±HH:MM`); a zone-less time would depend on the machine. */
const INSTANT_PATTERN = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Runs `concord deadline`. Returns 0 on success; throws `CliUsageError` (exit 2) for bad arguments.
 *
 * @example
 * await run(['--from', '2026-12-23T10:00:00Z', '--working-days', '5', '--json'], io);
 * // io.out('{"dueDate":"2027-01-04","due":"2027-01-04T23:59:59.999Z"}'), returns 0
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv);
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const from = parseFrom(values.from);
  const division = parseDivision(values.division);
  const { workingDays, description } = await resolveWorkingDays(values);

  let deadline: Deadline;
  try {
    deadline = addWorkingDays({ calendar: bundledCalendar(division), from, workingDays });
  } catch (error) {
    if (error instanceof CalendarCoverageError) throw new CliUsageError(error.message);
    throw error;
  }

  const due = deadline.due.toISOString();
  if (values.json) {
    io.out(JSON.stringify({ dueDate: deadline.dueDate, due }));
  } else {
    io.out(
      `Due by the end of ${weekdayName(deadline.dueDate)} ${deadline.dueDate} (23:59:59.999 Europe/London, ${due}): ` +
        `${description} after ${from.toISOString()}, ${division} working days.`,
    );
  }
  return 0;
}

function parseOptions(argv: string[]) {
  return parseCliArgs({
    args: argv,
    allowPositionals: false,
    options: {
      from: { type: 'string' },
      'working-days': { type: 'string' },
      procedure: { type: 'string' },
      stage: { type: 'string' },
      division: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

function parseFrom(value: string | undefined): Date {
  if (value === undefined) throw new CliUsageError('--from ISO is required');
  if (isCalendarDay(value)) return startOfLondonDay(value);
  const match = INSTANT_PATTERN.exec(value);
  const instant = new Date(value);
  if (!match || !isCalendarDay(match[1]) || Number.isNaN(instant.getTime())) {
    throw new CliUsageError(
      `--from must be an ISO 8601 instant with a zone (e.g. 2026-12-23T10:00:00Z) or a London date YYYY-MM-DD, got "${value}"`,
    );
  }
  return instant;
}

function parseDivision(value: string | undefined): Division {
  if (value === undefined) return 'england-and-wales';
  if (!isDivision(value)) {
    throw new CliUsageError(`--division must be one of ${DIVISIONS.join(', ')}, got "${value}"`);
  }
  return value;
}

async function resolveWorkingDays(values: {
  'working-days'?: string | undefined;
  procedure?: string | undefined;
  stage?: string | undefined;
}): Promise<{ workingDays: number; description: string }> {
  const byCount = values['working-days'] !== undefined;
  const byStage = values.procedure !== undefined || values.stage !== undefined;
  if (byCount && byStage) {
    throw new CliUsageError('give either --working-days or --procedure with --stage, not both');
  }
  if (byCount) {
    const text = values['working-days'] ?? '';
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw new CliUsageError(`--working-days must be a whole number ≥ 0, got "${text}"`);
    }
    const workingDays = Number(text);
    return { workingDays, description: `${workingDays} working day${workingDays === 1 ? '' : 's'}` };
  }
  if (!byStage) throw new CliUsageError('give --working-days N, or --procedure ID with --stage STAGE');
  if (values.procedure === undefined) throw new CliUsageError('--stage needs --procedure');
  if (values.stage === undefined) throw new CliUsageError('--procedure needs --stage');
  return stageTimescale(values.procedure, values.stage);
}

async function stageTimescale(
  procedureId: string,
  stageId: string,
): Promise<{ workingDays: number; description: string }> {
  // Loaded only here, so `--working-days` never depends on the procedure catalogue loading.
  const catalogue = await import('../../procedures/index.ts');
  const procedure = catalogue.getProcedure(procedureId);
  if (!procedure) throw new CliUsageError(`unknown procedure "${procedureId}" (see: concord procedures)`);
  const stage = procedure.stages.find((candidate) => candidate.id === stageId);
  if (!stage) {
    const known = procedure.stages.map((candidate) => candidate.id).join(', ');
    throw new CliUsageError(`procedure "${procedureId}" has no stage "${stageId}" (stages: ${known})`);
  }
  const workingDays = catalogue.stageWorkingDays(stage);
  if (workingDays === null) {
    throw new CliUsageError(
      `stage "${stageId}" of procedure "${procedureId}" has no working-day timescale; use --working-days`,
    );
  }
  return { workingDays, description: `${workingDays} working days (${procedureId} ${stage.name})` };
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function weekdayName(day: string): string {
  return WEEKDAYS[dayOfWeek(day)] ?? '';
}
