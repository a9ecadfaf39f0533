/**
 * `concord procedures [--json]`
 *
 * Lists every bundled procedure. With `--json` it prints (CONTRACT.md)
 * `[{id, name, version, source, overallWorkingDays|null, stages:[{id, name, workingDays|null, channel}]}]`
 * in the catalogue's order; `source` is the source document's title. Without `--json` it prints a table.
 */
import { loadProcedures, type ProcedureDefinition, stageWorkingDays } from '../../procedures/index.ts';
import { type CliIo, parseCliArgs } from '../io.ts';

const USAGE = 'usage: concord procedures [--json]';

/** One procedure as `concord procedures --json` prints it. */
export interface ProcedureSummary {
  id: string;
  name: string;
  version: string;
  source: string;
  overallWorkingDays: number | null;
  stages: { id: string; name: string; workingDays: number | null; channel: string }[];
}

/**
 * Runs `concord procedures`. Returns 0; throws `CliUsageError` (exit 2) for bad arguments.
 *
 * @example
 * await run(['--json'], io); // io.out('[{"id":"ane","name":"Adopt North East …", …}, …]')
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv);
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const summaries = [...loadProcedures().values()].map(summarise);
  if (values.json) {
    io.out(JSON.stringify(summaries));
  } else {
    for (const line of table(summaries)) io.out(line);
  }
  return 0;
}

/** The contract's view of one procedure definition. */
export function summarise(procedure: ProcedureDefinition): ProcedureSummary {
  return {
    id: procedure.id,
    name: procedure.name,
    version: procedure.version,
    source: procedure.source.title,
    overallWorkingDays: procedure.overall?.workingDays ?? null,
    stages: procedure.stages.map((stage) => ({
      id: stage.id,
      name: stage.name,
      workingDays: stageWorkingDays(stage),
      channel: stage.channel,
    })),
  };
}

function parseOptions(argv: string[]) {
  return parseCliArgs({
    args: argv,
    allowPositionals: false,
    options: {
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

/** A readable listing: one header line per procedure, then one indented line per stage. */
function table(summaries: ProcedureSummary[]): string[] {
  const lines: string[] = [];
  for (const [index, p] of summaries.entries()) {
    if (index > 0) lines.push('');
    const overall =
      p.overallWorkingDays === null ? 'no overall cap' : `overall ${p.overallWorkingDays} working days`;
    lines.push(`${p.id}  ${p.name} (v${p.version}; ${overall})`);
    lines.push(`  source: ${p.source}`);
    const idWidth = Math.max(...p.stages.map((s) => s.id.length));
    const channelWidth = Math.max(...p.stages.map((s) => s.channel.length));
    for (const stage of p.stages) {
      const days = stage.workingDays === null ? '—' : `${stage.workingDays} wd`;
      lines.push(
        `  ${stage.id.padEnd(idWidth)}  ${stage.channel.padEnd(channelWidth)}  ${days.padStart(5)}  ${stage.name}`,
      );
    }
  }
  return lines;
}
