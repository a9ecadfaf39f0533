/**
 * `concord export DISPUTE_ID --format json|docx [--out FILE]`: the case file for the child's or
 * adult's record (`src/export/case-file.ts`): every stage, who acted, what was sent and received,
 * meeting minutes, agreed actions with owners, dates and progress, the outcome and the written
 * confirmation, following the procedure's recording template where it has one. DOCX is a Word
 * document with headings and tables, dates in words; JSON carries the stored data (record lines in
 * words) and the same case file under `caseFile`. JSON goes to stdout unless `--out` is given; DOCX
 * goes to `--out`, default `<DISPUTE_ID>.docx` in the current folder.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { recordEntryText } from '../../cards/wording/records.ts';
import { loadConfig } from '../../config/index.ts';
import { loadDirectory } from '../../directory/load.ts';
import { SAMPLE_DIRECTORIES } from '../../directory/samples.ts';
import type { RecordEntry } from '../../domain/dispute/types.ts';
import type { ProcedureDefinition } from '../../domain/procedure/schema.ts';
import { type CaseFile, type CaseFileNames, caseFileOf } from '../../export/case-file.ts';
import { caseFileDocx } from '../../export/docx.ts';
import { getProcedure, type ProcedureId } from '../../procedures/index.ts';
import { type StoreCommandDeps, withStore } from '../../runtime/store-session.ts';
import { createProcedureVersions } from '../../store/adapters/procedure-versions.ts';
import type { Store } from '../../store/open-store.ts';
import { type DisputeExport, loadDisputeExport } from '../../store/queries/dispute-export.ts';
import { type CliIo, CliUsageError, parseCliArgs } from '../io.ts';

const FORMATS = ['json', 'docx'] as const;
type Format = (typeof FORMATS)[number];

export async function run(argv: string[], io: CliIo, deps: StoreCommandDeps = {}): Promise<number> {
  const { disputeId, format, out } = parseOptions(argv);
  return withStore(deps, async ({ store, now }) => {
    const data = await loadDisputeExport(store, disputeId);
    if (!data) {
      io.err(`concord export: no dispute "${disputeId}" (see: concord disputes)`);
      return 1;
    }
    const procedure = await procedureOf(store, data);
    if (!procedure) {
      io.err(`concord export: the procedure "${data.dispute.procedureId}" of this dispute is not known here`);
      return 1;
    }
    const file = caseFileOf({
      state: data.dispute.state,
      procedure,
      records: data.records.map((r) => r.entry),
      timeline: data.timeline,
      effects: data.effects,
      exportedAt: (await now()).toISOString(),
      names: await namesFor(deps, procedure),
    });
    if (format === 'json') {
      const text = JSON.stringify(withWords(data, file, procedure), null, 2);
      if (out) {
        writeFileSync(out, `${text}\n`);
        io.out(`Wrote ${out}`);
      } else io.out(text);
      return 0;
    }
    const target = out ?? `${disputeId.replace(/[^A-Za-z0-9._-]/g, '_')}.docx`;
    writeFileSync(target, await caseFileDocx(file));
    io.out(`Wrote ${target}`);
    return 0;
  });
}

/** The definition the dispute started under: the bundled one when its version matches, else the stored one. */
async function procedureOf(store: Store, data: DisputeExport): Promise<ProcedureDefinition | undefined> {
  const { procedureId, procedureVersion } = data.dispute;
  const bundled = getProcedure(procedureId);
  if (bundled?.version === procedureVersion) return bundled;
  return (await createProcedureVersions(store).get(procedureId, procedureVersion)) ?? bundled;
}

/**
 * Organisation names and people's job titles from the directory (the configured file, else the
 * procedure's bundled sample), so the case file names agencies rather than their ids. Without a
 * readable directory the file leaves them out.
 */
async function namesFor(
  deps: StoreCommandDeps,
  procedure: ProcedureDefinition,
): Promise<CaseFileNames | undefined> {
  const configured = loadConfig(deps.env).directoryFile;
  const file = configured ?? SAMPLE_DIRECTORIES[procedure.id as ProcedureId];
  if (!file || !existsSync(file)) return undefined;
  try {
    const directory = await loadDirectory(file);
    const orgs = new Map(directory.organisations.map((o) => [o.id, o.name]));
    const people = new Map(directory.people.map((p) => [p.id, p.jobTitle]));
    return { organisation: (id) => orgs.get(id) ?? null, role: (id) => people.get(id) ?? null };
  } catch {
    return undefined;
  }
}

/** A record entry with its line and outcome in words, as the file shows them (the intent kept beside). */
function wordedEntry(entry: RecordEntry, procedure: ProcedureDefinition): Readonly<Record<string, unknown>> {
  const { summary, outcome } = recordEntryText(entry, procedure);
  const { outcome: _outcome, ...rest } = entry;
  return { ...rest, summary, ...(outcome === null ? {} : { outcome }) };
}

/** The export with every record entry in words, and the case file as a person reads it. */
function withWords(data: DisputeExport, caseFile: CaseFile, procedure: ProcedureDefinition) {
  return {
    ...data,
    records: data.records.map((r) => ({ ...r, entry: wordedEntry(r.entry, procedure) })),
    caseFile,
  };
}

function parseOptions(argv: string[]): { disputeId: string; format: Format; out: string | undefined } {
  const parsed = parse(argv);
  const [disputeId, ...extra] = parsed.positionals;
  if (!disputeId) throw new CliUsageError('give the DISPUTE_ID to export (see: concord disputes)');
  if (extra.length > 0) throw new CliUsageError(`unexpected argument "${extra[0]}"`);
  const format = parsed.values.format;
  if (format === undefined) throw new CliUsageError('--format json|docx is required');
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new CliUsageError(`--format must be json or docx, got "${format}"`);
  }
  return { disputeId, format: format as Format, out: parsed.values.out };
}

function parse(argv: string[]) {
  return parseCliArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string' }, out: { type: 'string' } },
  });
}
