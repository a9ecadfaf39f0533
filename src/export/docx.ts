/**
 * The case file as a Word document: headings, labelled paragraphs and bordered tables, readable
 * in any word processor with no Concord. Pure apart from packing the zip.
 *
 * @example writeFileSync('case.docx', await caseFileDocx(caseFileOf(input)));
 */
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
import type { CaseFile, CaseFileBlock } from './case-file.ts';

function table(header: readonly string[], rows: readonly (readonly string[])[]): Table {
  const border = { style: BorderStyle.SINGLE, size: 4, color: '999999' };
  const cell = (text: string, bold = false) =>
    new TableCell({
      children: multiline(text, bold),
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

/** Typed text keeps its line breaks: one paragraph per line. */
function multiline(text: string, bold = false): Paragraph[] {
  const lines = text.split(/\r?\n/);
  return lines.map((line) => new Paragraph({ children: [new TextRun({ text: line, bold })] }));
}

function block(b: CaseFileBlock): (Paragraph | Table)[] {
  switch (b.kind) {
    case 'paragraph':
      return multiline(b.text);
    case 'subheading':
      return [new Paragraph({ text: b.text, heading: HeadingLevel.HEADING_2 })];
    case 'labelled':
      return [
        new Paragraph({ children: [new TextRun({ text: b.label, bold: true })] }),
        ...multiline(b.text),
      ];
    case 'table':
      return [table(b.columns, b.rows), new Paragraph('')];
  }
}

export async function caseFileDocx(file: CaseFile): Promise<Buffer> {
  const doc = new Document({
    creator: 'Concord',
    title: file.title,
    sections: [
      {
        children: [
          new Paragraph({ text: file.title, heading: HeadingLevel.TITLE }),
          new Paragraph(file.intro),
          ...file.sections.flatMap((s) => [
            new Paragraph({ text: s.heading, heading: HeadingLevel.HEADING_1 }),
            ...s.blocks.flatMap(block),
          ]),
          new Paragraph({
            alignment: AlignmentType.RIGHT,
            children: [new TextRun({ text: file.footer, italics: true, size: 16 })],
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
