/**
 * `concord directory check FILE [--procedure FILE]… [--json]`
 *
 * Validates a directory file (docs/directory-format.md) without starting Concord. Roles are checked
 * against the bundled procedures' vocabulary, plus that of every `--procedure FILE` given (a new
 * procedure with a new role needs no code change).
 *
 * - Valid: exit 0 and one summary line (with `--json`: `{"valid":true,"file",…}`).
 * - Invalid: exit 2 and every bad value by its JSON path, one per line on stderr as
 *   `FILE: people[3].email: must be an address in …` (with `--json`: `{"valid":false,"file","issues":[{path,message}]}`
 *   on stdout).
 */
import { readFile } from 'node:fs/promises';
import { checkDirectoryFile, type DirectoryIssue } from '../../directory/load.ts';
import type { RoleSource } from '../../directory/roles.ts';
import type { Directory } from '../../directory/schema.ts';
import { parseProcedure } from '../../domain/procedure/schema.ts';
import { loadProcedures } from '../../procedures/index.ts';
import { type CliIo, CliUsageError, oneLine, parseCliArgs } from '../io.ts';

const USAGE = 'usage: concord directory check FILE [--procedure FILE]… [--json]';

/** What `concord directory check --json` prints for a valid file. */
export interface DirectorySummary {
  readonly valid: true;
  readonly file: string;
  readonly partnership: string | null;
  readonly organisations: number;
  readonly hostOrganisations: number;
  readonly people: number;
  readonly counterparts: number;
  readonly procedures: string[];
}

/**
 * Runs `concord directory`. Returns 0 for a valid file and 2 for an invalid one; throws
 * `CliUsageError` (exit 2) for bad arguments.
 *
 * @example
 * await run(['check', 'directory/sample-dudley.json'], io);
 * // io.out('directory/sample-dudley.json: valid: Dudley Safeguarding Children Board …'), returns 0
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      procedure: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const [subcommand, file, ...extra] = positionals;
  if (subcommand !== 'check')
    throw new CliUsageError(
      subcommand ? `unknown subcommand "${subcommand}" (try: check)` : `a subcommand is required (${USAGE})`,
    );
  if (!file) throw new CliUsageError(`FILE is required (${USAGE})`);
  if (extra.length > 0) throw new CliUsageError(`unexpected argument "${extra[0]}" (${USAGE})`);

  const procedures = [...loadProcedures().values(), ...(await readProcedures(values.procedure))];
  const result = await checkDirectoryFile(file, { procedures });
  if (!result.ok) {
    if (values.json) io.out(JSON.stringify({ valid: false, file, issues: result.issues }));
    else for (const line of issueLines(file, result.issues)) io.err(line);
    return 2;
  }
  const summary = summarise(file, result.directory);
  io.out(values.json ? JSON.stringify(summary) : summaryLine(summary));
  return 0;
}

/** Reads extra procedure definitions; a file that cannot be read or parsed is a bad argument. */
async function readProcedures(files: readonly string[]): Promise<RoleSource[]> {
  const procedures: RoleSource[] = [];
  for (const file of files) {
    try {
      procedures.push(parseProcedure(JSON.parse(await readFile(file, 'utf8')), file));
    } catch (error) {
      throw new CliUsageError(`--procedure ${file}: ${oneLine(error)}`);
    }
  }
  return procedures;
}

/** One line per problem, each naming the file and the JSON path. */
export function issueLines(file: string, issues: readonly DirectoryIssue[]): string[] {
  const count = `${issues.length} problem${issues.length === 1 ? '' : 's'}`;
  return [
    `${file}: invalid directory (${count})`,
    ...issues.map((issue) => `${file}: ${issue.path ? `${issue.path}: ` : ''}${oneLine(issue.message)}`),
  ];
}

function summarise(file: string, directory: Directory): DirectorySummary {
  return {
    valid: true,
    file,
    partnership: directory.partnership?.name ?? null,
    organisations: directory.organisations.length,
    hostOrganisations: directory.organisations.filter((o) => o.tenant === 'host').length,
    people: directory.people.length,
    counterparts: directory.counterparts.length,
    procedures: [...new Set(directory.organisations.flatMap((o) => o.procedures))],
  };
}

function summaryLine(s: DirectorySummary): string {
  const plural = (n: number, word: string, words = `${word}s`) => `${n} ${n === 1 ? word : words}`;
  const name = s.partnership ? `${s.partnership}: ` : '';
  const procedures = s.procedures.length ? s.procedures.join(', ') : 'none';
  return (
    `${s.file}: valid: ${name}${plural(s.organisations, 'organisation')} (${s.hostOrganisations} in the host tenant), ` +
    `${plural(s.people, 'person', 'people')}, ${plural(s.counterparts, 'counterpart')}; procedures: ${procedures}.`
  );
}
