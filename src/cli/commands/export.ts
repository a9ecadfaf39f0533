/**
 * `concord export DISPUTE_ID --format json|docx [--out FILE]`: the dispute's record for the child's
 * or adult's file: the dispute, its timeline (from the audit log), and the case-record entries.
 * JSON goes to stdout unless `--out` is given; DOCX (a Word document with headings and tables)
 * goes to `--out`, default `<DISPUTE_ID>.docx` in the current folder.
 */
import { writeFileSync } from 'node:fs';
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { recordEntryText } from '../../cards/wording/records.ts';
import type { RecordEntry } from '../../domain/dispute/types.ts';
import { type StoreCommandDeps, withStore } from '../../runtime/store-session.ts';
import { type DisputeExport, loadDisputeExport } from '../../store/queries/dispute-export.ts';
import { type CliIo, CliUsageError, parseCliArgs } from '../io.ts';

const FORMATS = ['json', 'docx'] as const;
type Format = (typeof FORMATS)[number];

export async function run(argv: string[], io: CliIo, deps: StoreCommandDeps = {}): Promise<number> {
  const { disputeId, format, out } = parseOptions(argv);
  return withStore(deps, async ({ store }) => {
    const data = await loadDisputeExport(store, disputeId);
    if (!data) {
      io.err(`concord export: no dispute "${disputeId}" (see: concord disputes)`);
      return 1;
    }
    if (format === 'json') {
      const text = JSON.stringify(withWords(data), null, 2);
      if (out) {
        writeFileSync(out, `${text}\n`);
        io.out(`Wrote ${out}`);
      } else io.out(text);
      return 0;
    }
    const file = out ?? `${disputeId.replace(/[^A-Za-z0-9._-]/g, '_')}.docx`;
    writeFileSync(file, await renderDocx(data));
    io.out(`Wrote ${file}`);
    return 0;
  });
}

/** A record entry with its line and outcome in words, as the file shows them (the intent kept beside). */
function wordedEntry(entry: RecordEntry): Readonly<Record<string, unknown>> {
  const { summary, outcome } = recordEntryText(entry);
  const { outcome: _outcome, ...rest } = entry;
  return { ...rest, summary, ...(outcome === null ? {} : { outcome }) };
}

/** The export with every record entry in words. */
function withWords(data: DisputeExport) {
  return { ...data, records: data.records.map((r) => ({ ...r, entry: wordedEntry(r.entry) })) };
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

/** The Word document: a heading, the dispute's facts, the case record and the timeline. */
export async function renderDocx(data: DisputeExport): Promise<Buffer> {
  const { dispute } = data;
  const state = dispute.state;
  const facts: [string, string][] = [
    ['Case reference', dispute.caseReference],
    ['Procedure', `${dispute.procedureId} (version ${dispute.procedureVersion})`],
    ['Status', dispute.status],
    ['Current stage', dispute.stageId],
    ['Raised', `${state.raisedAt} by ${state.raisedBy?.name ?? 'unknown'}`],
    ['Owner', state.owner?.name ?? '-'],
    ['Category', state.category ?? '-'],
    ['Next due', dispute.nextDue ?? '-'],
    ['Overall due', state.overallDue ?? '-'],
    ['Dispute id', dispute.id],
  ];
  const doc = new Document({
    creator: 'Concord',
    title: `Dispute record ${dispute.caseReference}`,
    sections: [
      {
        children: [
          new Paragraph({
            text: `Professional dispute record: ${dispute.caseReference}`,
            heading: HeadingLevel.TITLE,
          }),
          new Paragraph({ text: 'Summary', heading: HeadingLevel.HEADING_1 }),
          table(
            ['Item', 'Detail'],
            facts.map(([label, value]) => [label, value]),
          ),
          new Paragraph({ text: 'The issue', heading: HeadingLevel.HEADING_1 }),
          ...labelled('What is in dispute', state.details?.issue),
          ...labelled('Informal attempts', state.details?.informalAttempts),
          ...labelled('Resolution sought', state.details?.resolutionSought),
          new Paragraph({ text: 'Case record', heading: HeadingLevel.HEADING_1 }),
          data.records.length === 0
            ? new Paragraph('No record entries yet.')
            : table(
                ['When', 'Stage', 'Contact', 'Between', 'Summary', 'Outcome'],
                data.records.map(({ entry }) => {
                  const words = recordEntryText(entry);
                  return [
                    entry.at,
                    entry.stageName,
                    entry.contactType,
                    entry.between.join(', '),
                    words.summary,
                    words.outcome ?? '',
                  ];
                }),
              ),
          new Paragraph({ text: 'Timeline', heading: HeadingLevel.HEADING_1 }),
          table(
            ['#', 'When', 'Source', 'By', 'Event', 'Stage'],
            data.timeline.map((t) => [
              String(t.seq),
              t.at,
              t.source,
              t.actor ?? '-',
              t.type,
              t.stageId ?? '-',
            ]),
          ),
          new Paragraph({
            alignment: AlignmentType.RIGHT,
            children: [
              new TextRun({ text: `Exported by Concord from the audit log.`, italics: true, size: 16 }),
            ],
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

function labelled(label: string, value: string | undefined): Paragraph[] {
  return [
    new Paragraph({ children: [new TextRun({ text: label, bold: true })] }),
    new Paragraph(value && value.trim() !== '' ? value : '-'),
  ];
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): Table {
  const border = { style: BorderStyle.SINGLE, size: 4, color: '999999' };
  const cell = (text: string, bold = false) =>
    new TableCell({
      children: [new Paragraph({ children: [new TextRun({ text, bold })] })],
      borders: { top: border, bottom: border, left: border, right: border },
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: header.map((h) => cell(h, true)) }),
      ...rows.map((row) => new TableRow({ children: row.map((value) => cell(value)) })),
    ],
  });
}
