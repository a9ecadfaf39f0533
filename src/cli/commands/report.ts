/**
 * `concord report --from DATE --to DATE --format csv|docx [--out FILE]`: the partnership's oversight
 * figures for a period (London days, inclusive), minimised (case references and counts, never case
 * details). CSV goes to stdout unless `--out` is given; DOCX (with its charts) goes to `--out`,
 * default `concord-report-FROM-to-TO.docx`. The directory is `DIRECTORY_FILE`, else the ANE sample.
 *
 * @example
 * concord report --from 2027-01-01 --to 2027-03-31 --format csv > q1.csv
 */
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../config/index.ts';
import { directoryContextFor } from '../../directory/decide-context.ts';
import { createDirectoryService } from '../../directory/directory-service.ts';
import { SAMPLE_DIRECTORIES } from '../../directory/samples.ts';
import { decide } from '../../domain/dispute/decide.ts';
import { loadProcedures } from '../../procedures/index.ts';
import { forViewer } from '../../report/figures.ts';
import { renderCsv, renderReportDocx } from '../../report/render.ts';
import { periodFigures, periodProblem } from '../../report/report.ts';
import { createReplayer } from '../../runtime/replay.ts';
import { type StoreCommandDeps, withStore } from '../../runtime/store-session.ts';
import { createProcedureVersions } from '../../store/adapters/procedure-versions.ts';
import { type CliIo, CliUsageError, parseCliArgs } from '../io.ts';

const FORMATS = ['csv', 'docx'] as const;

export async function run(argv: string[], io: CliIo, deps: StoreCommandDeps = {}): Promise<number> {
  const { values } = parseCliArgs({
    args: argv,
    allowPositionals: false,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const problem = periodProblem(values.from, values.to);
  if (problem) throw new CliUsageError(problem);
  const format = values.format;
  if (format === undefined) throw new CliUsageError('--format csv|docx is required');
  if (!(FORMATS as readonly string[]).includes(format))
    throw new CliUsageError(`--format must be csv or docx, got "${format}"`);
  const from = values.from as string;
  const to = values.to as string;
  const config = loadConfig(deps.env);
  const directory = await createDirectoryService({
    directory: config.directoryFile ?? SAMPLE_DIRECTORIES.ane,
  });
  const procedures = loadProcedures();
  const hostOrganisationId = directory.directory.organisations.find((o) => o.tenant === 'host')?.id ?? '';
  return withStore(deps, async ({ store, now }) => {
    // A past period's open disputes are read as they were at its end: replayed from their events.
    const versions = createProcedureVersions(store);
    const replayer = createReplayer({
      store,
      decide,
      contextFor: directoryContextFor({
        directory,
        procedures,
        versions: () => versions,
        hostOrganisationId,
      }),
    });
    const figures = forViewer(
      await periodFigures({
        store,
        directory,
        procedures,
        now: await now(),
        from,
        to,
        statesAsAt: (ids, at) => replayer.replayAll(ids, at),
      }),
    );
    if (format === 'csv') {
      const csv = renderCsv(figures);
      if (values.out) {
        writeFileSync(values.out, csv);
        io.out(`Wrote ${values.out}`);
      } else io.out(csv.trimEnd());
      return 0;
    }
    const file = values.out ?? `concord-report-${from}-to-${to}.docx`;
    writeFileSync(file, await renderReportDocx(figures));
    io.out(`Wrote ${file}`);
    return 0;
  });
}
