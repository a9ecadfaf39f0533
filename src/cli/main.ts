/**
 * The `concord` CLI. Each command lives in `./commands/<name>.ts` and exports `run(argv, io)`.
 * Contract (CONTRACT.md): exit 0 on success; bad arguments print a one-line reason to stderr and exit 2.
 */
import { type CliIo, CliUsageError, defaultIo } from './io.ts';

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, () => Promise<{ run: Command }>> = {
  procedures: () => import('./commands/procedures.ts'),
  deadline: () => import('./commands/deadline.ts'),
  disputes: () => import('./commands/disputes.ts'),
  export: () => import('./commands/export.ts'),
  migrate: () => import('./commands/migrate.ts'),
  parked: () => import('./commands/parked.ts'),
  holidays: () => import('./commands/holidays.ts'),
  directory: () => import('./commands/directory.ts'),
  report: () => import('./commands/report.ts'),
};

const USAGE = `usage: concord <command> [options]
  procedures [--json]
  deadline --from ISO (--working-days N | --procedure ID --stage STAGE) [--division D] [--json]
  disputes [--overdue] [--json]
  export DISPUTE_ID --format json|docx [--out FILE]
  migrate
  parked [--json] [--retry KEY | --retry-dispute ID]
  holidays [--refresh] [--url URL] [--json]
  directory check FILE [--procedure FILE]… [--json]
  report --from DATE --to DATE --format csv|docx [--out FILE]`;

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    io.err(
      `concord: a command is required (try: ${Object.keys(COMMANDS).join(', ')}; concord --help for usage)`,
    );
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.err(`concord: unknown command "${name}" (try: ${Object.keys(COMMANDS).join(', ')})`);
    return 2;
  }
  try {
    const { run } = await load();
    return await run(rest, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(`concord ${name}: ${error.message}`);
      return 2;
    }
    io.err(`concord ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
